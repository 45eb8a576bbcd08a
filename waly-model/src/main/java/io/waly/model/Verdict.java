package io.waly.model;

import java.util.List;

/**
 * What the rules decide for one statement shape on one kind of connection (role, application version), taken once
 * and kept with the shape: the rule that refuses it (enforced deny), the rules that warn about it (enforced warn, and
 * deny rules in warn mode), the row limit that applies (the smallest enforced one) and the limits only watched (warn
 * mode); and what the recording policy leaves out of the log. {@link #NONE} for a statement no rule touches: one
 * identity check per execution.
 */
public record Verdict(Rule refusal, List<Rule> warnings, Rule limit, List<Rule> watchedLimits, boolean logged,
                      HashPlan hashing) {
    public static final Verdict NONE = new Verdict(null, List.of(), null, List.of(), true, null);

    public Verdict {
        warnings = List.copyOf(warnings);
        watchedLimits = List.copyOf(watchedLimits);
    }

    /** True when the statement's row count must be checked after it ran (an enforced or watched limit). */
    public boolean countsRows() {
        return limit != null || !watchedLimits.isEmpty();
    }
}
