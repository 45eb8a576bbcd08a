package io.waly.jdbc.sql;

import io.waly.command.Command;
import io.waly.log.payload.Payloads;
import java.util.List;

/**
 * What the driver needs to know about one SQL string, computed once and cached: its kind, for savepoint statements
 * the savepoint's name and for two-phase commit statements the transaction's identifier ({@link #name}), for writes
 * the parsed command (with the statement's own literals in it), and whether it opens with a WITH clause — whose
 * sub-statements may write other tables than the command's, so that the rows the main statement wrote never stand for
 * all it did.
 *
 * <p>It also keeps, for a text that is logged again and again (a prepared statement in a loop), the parts of its
 * STATEMENT record that never change, encoded once ({@link #logged}).
 */
public final class SqlInfo {
    private final SqlKind kind;
    private final String name;
    private final Command command;
    private final boolean multiStatement;
    private final boolean volatileCall;
    private final boolean withClause;
    private final List<String> drawnSequences;
    private final boolean keepsWorkOnFailure;
    /** Each statement of a string of several, classified on its own (for the policies); empty for one statement. */
    private final List<SqlInfo> parts;

    /** The text's STATEMENT parts as logged, and the text they were made from. */
    public record Logged(String sql, Payloads.Statement.Repeated parts) {}

    private volatile Logged logged;
    /** The policies' verdict on this text ({@code io.waly.jdbc.policy}), and the scope it was taken for. */
    private volatile Decided decided;

    /**
     * A decision the model's policies took for this text on one kind of connection ({@code scope}: the model, the role,
     * the application version), kept so that it is taken once per statement shape.
     */
    public record Decided(Object scope, io.waly.model.Verdict verdict) {}
    /**
     * What replay must do with this text against one looked-up table ({@code capture.RerunSafety}), kept while the
     * table's information is the same object: a DDL makes the next lookup a new one.
     */
    public record Judged(Object table, Object rerun) {}
    private volatile Judged judged;
    private boolean loggedBefore;   // racy on purpose: a lost update costs one more plain encoding
    /** A call of an application command ({@code CALL waly.…}), never sent to the database as such; or null. */
    private ExplicitCall explicitCall;
    private boolean createsLargeObject;
    private CreateTableAs.SelectInto selectInto;
    /** Which of the model's application commands this text is ({@code io.waly.jdbc.commands}), and in which model. */
    private volatile Recognised recognised;

    /**
     * The application command the model's {@code recognise:} makes of this text (null: none) in the commands
     * {@code scope}, kept so that the shape is looked up once per text.
     */
    public record Recognised(Object scope, Object command) {}

    public SqlInfo(SqlKind kind, String name, Command command, boolean multiStatement, boolean volatileCall,
                   boolean withClause, List<String> drawnSequences) {
        this(kind, name, command, multiStatement, volatileCall, withClause, drawnSequences, false);
    }

    public SqlInfo(SqlKind kind, String name, Command command, boolean multiStatement, boolean volatileCall,
                   boolean withClause, List<String> drawnSequences, boolean keepsWorkOnFailure) {
        this(kind, name, command, multiStatement, volatileCall, withClause, drawnSequences, keepsWorkOnFailure, List.of());
    }

    public SqlInfo(SqlKind kind, String name, Command command, boolean multiStatement, boolean volatileCall,
                   boolean withClause, List<String> drawnSequences, boolean keepsWorkOnFailure, List<SqlInfo> parts) {
        this.parts = List.copyOf(parts);
        this.kind = kind;
        this.name = name;
        this.command = command;
        this.multiStatement = multiStatement;
        this.volatileCall = volatileCall;
        this.withClause = withClause;
        this.drawnSequences = drawnSequences;
        this.keepsWorkOnFailure = keepsWorkOnFailure;
    }

    /** The statements of a string of several, each classified on its own; empty for a single statement. */
    public List<SqlInfo> parts() {
        return parts;
    }

    /** A string of statements one of which commits, rolls back or prepares the transaction it runs in. */
    public boolean endsTransactionWithin() {
        for (SqlInfo p : parts) {
            if (p.kind == SqlKind.COMMIT || p.kind == SqlKind.ROLLBACK || p.kind == SqlKind.PREPARE_TRANSACTION) return true;
        }
        return false;
    }

    public SqlKind kind() {
        return kind;
    }

    /** SAVEPOINT, RELEASE, ROLLBACK TO: the savepoint; PREPARE TRANSACTION, COMMIT/ROLLBACK PREPARED: the identifier. */
    public String name() {
        return name;
    }

    public Command command() {
        return command;
    }

    public boolean multiStatement() {
        return multiStatement;
    }

    public boolean volatileCall() {
        return volatileCall;
    }

    public boolean withClause() {
        return withClause;
    }

    /**
     * The sequences the statement names in {@code nextval('…')}/{@code setval('…', …)}: when its rows are logged as
     * images, replay does not draw from them, so where they stood after it is logged too.
     */
    public List<String> drawnSequences() {
        return drawnSequences;
    }

    public boolean isRead() {
        return kind == SqlKind.READ || kind == SqlKind.EMPTY;
    }

    /**
     * A statement run outside a transaction block that may leave work behind when it fails: a CALL or DO block
     * (it may COMMIT inside before the error), an index built or rebuilt CONCURRENTLY (it leaves an invalid index). Its
     * failure ends its transaction in the log as committed, and replay runs it again, expecting the same error.
     */
    public boolean keepsWorkOnFailure() {
        return keepsWorkOnFailure;
    }

    /**
     * The encoded parts kept for this text; null until it is logged a second time ({@link #keepLogged}), so that a text
     * logged once — a statement with its literals inline — keeps no copy.
     */
    public Logged logged() {
        return logged;
    }

    /** Called at each logging while {@link #logged()} is null: true from the second call on, when parts are worth keeping. */
    public boolean loggedAgain() {
        if (loggedBefore) return true;
        loggedBefore = true;
        return false;
    }

    public void keepLogged(Logged parts) {
        logged = parts;
    }

    public ExplicitCall explicitCall() {
        return explicitCall;
    }

    void explicitCall(ExplicitCall call) {
        explicitCall = call;
    }

    /** The {@code SELECT … INTO} this write is; null for any other statement. */
    public CreateTableAs.SelectInto selectInto() {
        return selectInto;
    }

    void selectInto(CreateTableAs.SelectInto into) {
        selectInto = into;
    }

    /** A write with one call that creates a large object under an OID the server chooses ({@link LargeObjectCalls}). */
    public boolean createsLargeObject() {
        return createsLargeObject;
    }

    void createsLargeObject(boolean creates) {
        createsLargeObject = creates;
    }

    public Recognised recognised() {
        return recognised;
    }

    public void recognised(Recognised r) {
        recognised = r;
    }

    public Judged judged() {
        return judged;
    }

    public void judged(Judged j) {
        judged = j;
    }

    public Decided decided() {
        return decided;
    }

    public void decided(Decided d) {
        decided = d;
    }

    @Override
    public String toString() {
        return "SqlInfo[kind=" + kind + ", name=" + name + ", command=" + command + ", multiStatement="
                + multiStatement + ", volatileCall=" + volatileCall + ", withClause=" + withClause + "]";
    }
}
