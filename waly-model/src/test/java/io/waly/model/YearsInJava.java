package io.waly.model;

import java.util.Collections;
import java.util.Map;

/** A {@link RowFunction} for {@link VersionsTest}: the cars' up mapping in Java (only loaded, never run here). */
public final class YearsInJava implements RowFunction {
    @Override
    public Map<String, Object> apply(Map<String, Object> row) {
        Object year = row.get("production_year");
        return Collections.singletonMap("production_years", year == null ? null : "{[" + year + "," + year + "]}");
    }
}
