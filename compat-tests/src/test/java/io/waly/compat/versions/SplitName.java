package io.waly.compat.versions;

import io.waly.model.RowFunction;
import java.util.HashMap;
import java.util.Map;

/** people version 1 → 2: a name splits at its last space into first and last name (people.yaml; reads name only). */
public final class SplitName implements RowFunction {
    @Override
    public Map<String, Object> apply(Map<String, Object> row) {
        String name = (String) row.get("name");
        Map<String, Object> out = new HashMap<>();
        int at = name == null ? -1 : name.lastIndexOf(' ');
        out.put("first_name", at < 0 ? name : name.substring(0, at));
        out.put("last_name", at < 0 ? null : name.substring(at + 1));
        return out;
    }
}
