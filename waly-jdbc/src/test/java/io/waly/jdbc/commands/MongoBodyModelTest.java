package io.waly.jdbc.commands;

import static io.waly.jdbc.commands.CommandModelTest.TABLES;
import static io.waly.jdbc.commands.CommandModelTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import io.waly.command.Value;
import io.waly.log.payload.Payloads;
import io.waly.log.replay.CommandBodies;
import io.waly.log.replay.CommandBodies.DocumentOp;
import io.waly.model.Model;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A command's MongoDB body of its own ({@code mongo:} operations): what replay gets for a record, and every refusal at its line. */
class MongoBodyModelTest {

    static final String PLACE_ORDER = """
            commands:
              PLACE_ORDER:
                args: {id: integer, account: integer, total: numeric}
                postgres:
                  - "UPDATE accounts SET balance = balance - :total WHERE id = :account AND plan = 'x' AND :id > 0"
            """;

    @Test
    void aBodyGetsTheRecordsArgumentsAsTheirDeclaredTypes() {
        Model m = Model.parse(TABLES + PLACE_ORDER + """
                    mongo:
                      - insertOne: orders
                        document: {_id: ':id', account: ':account', total: ':total', status: placed, lines: [], note: "::id", rate: 1.5}
                      - updateOne: accounts
                        filter:                           # in block style an argument needs no quotes
                          _id: :account
                          plan: {$in: [free, pro]}
                        update: {$push: {orders: ':id'}, $inc: {spent: ':total'}}
                      - deleteMany: carts
                        filter: {$or: [{account: ':account'}, {age: {$gt: 30}}]}
                  CLOSE:
                    args: {id: integer}
                    postgres: ["DELETE FROM accounts WHERE id = :id"]
                    mongo: translate
                """, "m.yaml");
        CommandBodies bodies = m.commands().bodies(null);
        // bound as the application bound them: a long, a text; the body gets an integer and a numeric
        Map<String, Value> args = new LinkedHashMap<>();
        args.put("id", Value.int8(10));
        args.put("account", Value.text("1"));
        args.put("total", Value.int4(5));
        List<DocumentOp> ops = bodies.mongo(new Payloads.AppCommand(1, "PLACE_ORDER", args, "call", 2, "m"), null);
        assertThat(ops).extracting(DocumentOp::kind)
                .containsExactly(DocumentOp.Kind.INSERT_ONE, DocumentOp.Kind.UPDATE_ONE, DocumentOp.Kind.DELETE_MANY);
        assertThat(ops.get(0).document()).containsExactly(Map.entry("_id", Value.int4(10)), Map.entry("account", Value.text("1")),
                Map.entry("total", Value.numeric(new BigDecimal(5))), Map.entry("status", Value.text("placed")),
                Map.entry("lines", List.of()), Map.entry("note", Value.text(":id")), Map.entry("rate", Value.float8(1.5)));
        assertThat(ops.get(0).filter()).isNull();
        assertThat(ops.get(0).where()).isEqualTo("PLACE_ORDER, line 10");
        assertThat(ops.get(1).filter()).isEqualTo(Map.of("_id", Value.text("1"),
                "plan", Map.of("$in", List.of(Value.text("free"), Value.text("pro")))));
        assertThat(ops.get(1).document()).isEqualTo(Map.of("$push", Map.of("orders", Value.int4(10)),
                "$inc", Map.of("spent", Value.numeric(new BigDecimal(5)))));
        assertThat(ops.get(2).document()).isNull();
        // a command with mongo: translate, and one this model does not declare, have none of their own
        assertThat(bodies.mongo(new Payloads.AppCommand(1, "CLOSE", Map.of("id", Value.int4(1)), "call", 1, "m"), null)).isNull();
        assertThat(bodies.mongo(new Payloads.AppCommand(1, "GONE", Map.of(), "call", 1, "m"), null)).isNull();
    }

    @Test
    void badBodiesAreRefusedAtTheirLine() {
        assertError(PLACE_ORDER + """
                    mongo:
                      - insertOne: orders
                        document: {_id: ':ident'}
                """, 11, "unknown argument :ident of PLACE_ORDER (args: id, account, total)");
        assertError(PLACE_ORDER + """
                    mongo:
                      - insertMany: orders
                        document: {_id: ':id'}
                """, 10, "unknown key 'insertMany' in a mongo: operation");
        assertError(PLACE_ORDER + """
                    mongo:
                      - document: {_id: ':id'}
                """, 10, "an operation names its kind and collection");
        assertError(PLACE_ORDER + """
                    mongo:
                      - insertOne: orders
                        updateOne: orders
                        document: {_id: ':id'}
                """, 11, "this one says both insertOne and updateOne");
        assertError(PLACE_ORDER + """
                    mongo:
                      - updateOne: accounts
                        filter: {_id: ':account'}
                """, 10, "updateOne needs update:");
        assertError(PLACE_ORDER + """
                    mongo:
                      - deleteOne: accounts
                        filter: {_id: ':account'}
                        document: {a: 1}
                """, 12, "deleteOne takes no document:");
        assertError(PLACE_ORDER + """
                    mongo:
                      - updateMany: accounts
                        filter: {}
                        update: {spent: 0}
                """, 12, "'spent' is not an update operator a body takes ($set, $unset, $inc, $mul, $min, $max, $push, "
                + "$addToSet, $pull, $rename): to replace fields, write $set: {spent: …}");
        assertError(PLACE_ORDER + """
                    mongo:
                      - updateMany: accounts
                        filter: {}
                        update: {$currentDate: {at: true}}
                """, 12, "'$currentDate' is not an update operator a body takes");
        assertError("""
                commands:
                  RENAME:
                    args: {id: integer, name: text}
                    postgres: ["UPDATE accounts SET email = :name WHERE id = :id"]
                    mongo:
                      - updateOne: accounts
                        filter: {_id: ':id'}
                        update: {$inc: {n: ':name'}}
                """, 11, "$inc takes a number, and argument name of RENAME is text");
        assertError(PLACE_ORDER + """
                    mongo:
                      - updateOne: accounts
                        filter: {_id: {$where: "this.a > 1"}}
                        update: {$set: {a: 1}}
                """, 11, "'$where' is not a query operator a body takes");
        assertError(PLACE_ORDER + """
                    mongo:
                      - deleteOne: accounts
                        filter: {_id: {$in: ':id'}}
                """, 11, "$in takes a list");
        assertError(PLACE_ORDER + """
                    mongo:
                      - insertOne: orders
                        document: {$id: ':id'}
                """, 11, "a document's field name has no $ at its start and no dot: '$id'");
        assertError(PLACE_ORDER + """
                    mongo:
                      - insertOne: system.users
                        document: {_id: ':id'}
                """, 10, "'system.users' is not a collection name MongoDB takes");
        assertError(PLACE_ORDER + """
                    mongo: []
                """, 9, "the mongo: body of PLACE_ORDER has no operation");
        assertError(PLACE_ORDER + """
                    mongo: yes-please
                """, 9, "mongo must be one of translate");
    }
}
