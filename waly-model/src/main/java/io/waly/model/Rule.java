package io.waly.model;

import io.waly.command.Command;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One mutation rule of {@code policies.rules}: what it matches on the parsed command, what it does, and how strictly.
 *
 * <pre>
 * - name: no-unbounded-delete        # letters, digits, '.', '_', '-'; unique
 *   match:                           # every key given must hold; none given: every write
 *     kind: [DELETE, UPDATE]         # see KindSet
 *     tables: [accounts, /audit_.*&#47;] # declared names and /patterns/
 *     where: unbounded               # absent (no WHERE) | unbounded (absent, or always true)
 *     roles: [app]                   # the role statements run as (current_user: SET ROLE is followed)
 *     appVersions: ["1.*"]           # walyAppVersion, * and ? as wildcards
 *   action: deny                     # deny | warn | allow | limit
 *   rows: 1000                       # limit only: more rows changed than this is refused
 *   mode: enforce                    # off | warn | enforce (the default)
 *   reason: every row of the table   # said in the refusal and the log
 * </pre>
 */
public record Rule(String name, Action action, Mode mode, long rows, String reason, int line, Match match) {

    public enum Action {
        /** Refused before anything reaches the database. */
        DENY,
        /** Let through; a warning goes to WAL-y's logger and the log. */
        WARN,
        /** Let through; the rules after it are not read (an exception placed before a deny). */
        ALLOW,
        /** A statement that changes more than {@code rows} rows is rolled back to before it and refused. */
        LIMIT
    }

    public enum Mode {
        /** The rule is not read. */
        OFF,
        /** What the rule would refuse is let through with a warning: watch a rule before enforcing it. */
        WARN,
        ENFORCE
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,100}");
    private static final Set<String> KEYS = Set.of("name", "match", "action", "rows", "mode", "reason");
    private static final Set<String> MATCH_KEYS = Set.of("kind", "tables", "where", "roles", "appVersions");

    /** Absent: the rule holds whatever the WHERE. */
    public enum Where { ANY, ABSENT, UNBOUNDED }

    /**
     * What a rule matches; decided once per statement shape and connection (role, application version). A null role is
     * unknown and matches any {@code roles} ({@link Policies#decide} leaves out the allow rules that name roles then).
     */
    public record Match(KindSet kinds, TableSet tables, Where where, Set<String> roles, List<Pattern> appVersions) {
        boolean matches(Command c, String role, String appVersion) {
            if (!kinds.matches(c)) return false;
            if (!tables.isAny() && !tables.matchesAny(c.writtenTables())) return false;
            if (where != Where.ANY) {
                if (!Conditions.hasWhere(c)) return false;
                var w = Conditions.where(c);
                if (w != null && (where == Where.ABSENT || !Conditions.alwaysTrue(w))) return false;
            }
            if (!roles.isEmpty() && role != null && !roles.contains(role)) return false;   // null: unknown (Policies.decide)
            if (!appVersions.isEmpty()) {
                if (appVersion == null) return false;
                boolean any = false;
                for (Pattern p : appVersions) any |= p.matcher(appVersion).matches();
                if (!any) return false;
            }
            return true;
        }
    }

    static Rule read(Node node, Tables tables, Set<String> namesSeen) {
        Map<String, Node> m = node.map("a rule", KEYS);
        if (!m.containsKey("name")) throw node.error("a rule needs a name");
        Node nameNode = m.get("name");
        String name = nameNode.text("name");
        if (!NAME.matcher(name).matches()) throw nameNode.error("a rule's name is letters, digits, '.', '_' and '-', not '" + name + "'");
        if (!namesSeen.add(name)) throw nameNode.error("the rule name " + name + " is used twice");
        if (!m.containsKey("action")) throw node.error("rule " + name + " needs an action: deny, warn, allow or limit");
        Action action = Action.valueOf(m.get("action").choice("action", List.of("deny", "warn", "allow", "limit")).toUpperCase());
        long rows = -1;
        if (action == Action.LIMIT) {
            if (!m.containsKey("rows")) throw m.get("action").error("rule " + name + " limits rows: say how many with rows: N");
            rows = m.get("rows").positive("rows");
        } else if (m.containsKey("rows")) {
            throw m.get("rows").error("rows is for action: limit (rule " + name + " is " + action.name().toLowerCase() + ")");
        }
        Mode mode = m.containsKey("mode") ? Mode.valueOf(m.get("mode").choice("mode", List.of("off", "warn", "enforce")).toUpperCase())
                : Mode.ENFORCE;
        String reason = m.containsKey("reason") ? m.get("reason").text("reason") : null;
        Match match = readMatch(m.get("match"), tables);
        return new Rule(name, action, mode, rows, reason, node.line, match);
    }

    private static Match readMatch(Node node, Tables tables) {
        if (node == null) return new Match(KindSet.ANY, TableSet.ANY, Where.ANY, Set.of(), List.of());
        Map<String, Node> m = node.map("match", MATCH_KEYS);
        KindSet kinds = m.containsKey("kind") ? KindSet.read(m.get("kind")) : KindSet.ANY;
        TableSet ts = m.containsKey("tables") ? TableSet.read(m.get("tables"), tables) : TableSet.ANY;
        Where where = m.containsKey("where")
                ? Where.valueOf(m.get("where").choice("where", List.of("absent", "unbounded")).toUpperCase()) : Where.ANY;
        Set<String> roles = m.containsKey("roles") ? Set.copyOf(m.get("roles").texts("roles")) : Set.of();
        List<Pattern> versions = new ArrayList<>();
        if (m.containsKey("appVersions")) for (String v : m.get("appVersions").texts("appVersions")) versions.add(glob(v));
        return new Match(kinds, ts, where, roles, versions);
    }

    static Pattern glob(String g) {
        StringBuilder re = new StringBuilder();
        for (char c : g.toCharArray()) {
            if (c == '*') re.append(".*");
            else if (c == '?') re.append('.');
            else re.append(Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(re.toString());
    }

    /** What the refusal or the warning says: the rule's reason, or what it matched. */
    public String explain(Command c) {
        if (reason != null) return reason;
        StringBuilder s = new StringBuilder(c.label());
        List<Command.Table> t = c.writtenTables();
        if (!t.isEmpty()) s.append(" of ").append(String.join(", ", t.stream().map(Command.Table::qualified).toList()));
        if (match.where() != Where.ANY) s.append(" with ").append(Conditions.describe(c));
        return s.toString();
    }
}
