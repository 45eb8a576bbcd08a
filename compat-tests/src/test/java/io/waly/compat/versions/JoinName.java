package io.waly.compat.versions;

import io.waly.model.RowFunction;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;

/** people version 2 → 1: first and last name joined by a space (people.yaml; given the whole row). */
public final class JoinName implements RowFunction {
    @Override
    public Map<String, Object> apply(Map<String, Object> row) {
        // the casts hold the values to the types RowFunction documents: a wrong one fails the mapping
        Long id = (Long) row.get("id");
        LocalDate born = (LocalDate) row.get("born");
        String first = (String) row.get("first_name");
        String last = (String) row.get("last_name");
        Map<String, Object> out = new HashMap<>();
        out.put("id", id);
        out.put("born", born);
        out.put("name", first == null && last == null ? null : last == null ? first : first == null ? last : first + " " + last);
        return out;
    }
}
