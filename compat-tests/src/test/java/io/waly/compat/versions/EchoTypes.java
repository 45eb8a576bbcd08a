package io.waly.compat.versions;

import io.waly.model.RowFunction;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * JavaRowValuesTest's function: says which Java class each value of the row came as ({@code classes}), and gives some
 * of them back as the next version's columns of the same types, to be converted back.
 */
public final class EchoTypes implements RowFunction {
    @Override
    public Map<String, Object> apply(Map<String, Object> row) {
        Map<String, String> classes = new TreeMap<>();
        row.forEach((col, v) -> classes.put(col, v == null ? "null" : v instanceof java.util.List<?> l
                ? "List<" + l.get(0).getClass().getSimpleName() + ">" : v.getClass().getSimpleName()));
        Map<String, Object> out = new HashMap<>();
        out.put("classes", classes.toString());
        for (String col : row.keySet()) out.put("r_" + col, row.get(col));
        return out;
    }
}
