package io.waly.model;

import io.waly.command.Command;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code policies:} section: mutation rules (read in order), what the log leaves out ({@link Recording}), and the
 * routes replay targets can take ({@link ModelRoute}).
 *
 * <p>How rules decide ({@link #decide}): rules are read in file order; {@code off} rules are skipped; a rule in
 * {@code warn} mode that matches only warns (a deny or a warn) or watches (a limit), and reading goes on; an enforced
 * {@code allow} ends the reading (the statement goes ahead), an enforced {@code deny} refuses it, an enforced
 * {@code warn} warns and reading goes on, an enforced {@code limit} applies (the smallest of several) and reading goes on.
 */
public final class Policies {
    static final Policies NONE = new Policies(List.of(), Recording.NONE, Map.of());

    private static final Set<String> KEYS = Set.of("rules", "record", "routes");

    private final List<Rule> rules;
    private final Recording recording;
    private final Map<String, ModelRoute> routes;

    private Policies(List<Rule> rules, Recording recording, Map<String, ModelRoute> routes) {
        this.rules = rules;
        this.recording = recording;
        this.routes = routes;
    }

    static Policies read(Node section, Tables tables) {
        Map<String, Node> m = section.map("policies", KEYS);
        List<Rule> rules = new ArrayList<>();
        Set<String> names = new HashSet<>();
        if (m.containsKey("rules")) {
            Node list = m.get("rules");
            if (!(list.value instanceof List<?>)) throw list.error("rules must be a list (lines starting with '- ')");
            for (Node r : list.list("rules")) rules.add(Rule.read(r, tables, names));
        }
        Recording recording = m.containsKey("record") ? Recording.read(m.get("record"), tables) : Recording.NONE;
        Map<String, ModelRoute> routes = new LinkedHashMap<>();
        if (m.containsKey("routes")) {
            for (Map.Entry<String, Node> e : m.get("routes").entries("routes").entrySet()) {
                routes.put(e.getKey(), ModelRoute.read(e.getKey(), e.getValue(), tables));
            }
        }
        return new Policies(List.copyOf(rules), recording, routes);
    }

    public List<Rule> rules() {
        return rules;
    }

    public Recording recording() {
        return recording;
    }

    /** True when nothing here can touch a write: no rule that is on, nothing left out of the log. */
    public boolean isEmpty() {
        return rules.stream().allMatch(r -> r.mode() == Rule.Mode.OFF) && recording.isEmpty();
    }

    /** The route named {@code name}; an error listing the routes the model has otherwise. */
    public ModelRoute route(String name) {
        ModelRoute r = routes.get(name);
        if (r == null) {
            throw new IllegalArgumentException("the model has no route " + name
                    + (routes.isEmpty() ? " (it declares none under policies.routes)" : " (routes: " + String.join(", ", routes.keySet()) + ")"));
        }
        return r;
    }

    public Map<String, ModelRoute> routes() {
        return routes;
    }

    /** True when some rule that is on names roles: only then must the driver follow the connection's role. */
    public boolean namesRoles() {
        return rules.stream().anyMatch(r -> r.mode() != Rule.Mode.OFF && !r.match().roles().isEmpty());
    }

    /**
     * What the rules and the recording policy decide for a statement's command on a connection of this role and
     * version. A null {@code role} is unknown (the driver could not ask it): a rule naming roles is then read as is
     * safest — a deny, warn or limit applies as if the role were among its roles, an allow does not.
     */
    public Verdict decide(Command c, String role, String appVersion) {
        if (c == null) return Verdict.NONE;
        Rule refusal = null;
        Rule limit = null;
        List<Rule> warnings = new ArrayList<>();
        List<Rule> watched = new ArrayList<>();
        for (Rule r : rules) {
            if (r.mode() == Rule.Mode.OFF || !r.match().matches(c, role, appVersion)) continue;
            if (role == null && r.action() == Rule.Action.ALLOW && !r.match().roles().isEmpty()) continue;
            if (r.mode() == Rule.Mode.WARN) {
                if (r.action() == Rule.Action.LIMIT) watched.add(r);
                else if (r.action() != Rule.Action.ALLOW) warnings.add(r);
                continue;
            }
            if (r.action() == Rule.Action.ALLOW) break;
            if (r.action() == Rule.Action.DENY) {
                refusal = r;
                break;
            }
            if (r.action() == Rule.Action.WARN) warnings.add(r);
            else if (limit == null || r.rows() < limit.rows()) limit = r;
        }
        boolean logged = recording.logs(c);
        HashPlan hashing = logged ? recording.hashing(c) : null;
        if (refusal == null && limit == null && warnings.isEmpty() && watched.isEmpty() && logged && hashing == null) {
            return Verdict.NONE;
        }
        return new Verdict(refusal, warnings, limit, watched, logged, hashing);
    }
}
