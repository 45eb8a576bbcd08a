package io.waly.compat.versions;

import io.waly.model.RowFunction;
import java.util.Map;

/** A down mapping that fails on a row (JavaMappingTest): a replay refuses the statement, naming it. */
public final class FailingName implements RowFunction {
    @Override
    public Map<String, Object> apply(Map<String, Object> row) {
        throw new IllegalArgumentException("no single name for " + row.get("first_name"));
    }
}
