package io.waly.cli.support;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps secrets out of everything {@code waly} prints. The driver never logs connection secrets, but a statement may
 * carry one ({@code ALTER ROLE app PASSWORD 'x'}), and URLs given on the command line may hold a password.
 */
public final class Redactor {
    private Redactor() {}

    public static final String MASK = "***";

    private static final Pattern SQL_PASSWORD =
            Pattern.compile("(?i)(\\bPASSWORD\\s+)('(?:[^']|'')*'|\\$[A-Za-z0-9_]*\\$.*?\\$[A-Za-z0-9_]*\\$)", Pattern.DOTALL);
    private static final Pattern URL_SECRET =
            Pattern.compile("(?i)([?&;](?:password|sslpassword|pass|pwd|secret|token)=)[^&;]*");
    private static final Pattern URL_USERINFO = Pattern.compile("(://[^/@:]*:)[^/@]*@");
    private static final Pattern SECRET_KEY = Pattern.compile("(?i).*(password|passwd|secret|token|credential|sslkey).*");

    /** SQL text with the literal of every {@code PASSWORD '…'} clause masked. */
    public static String sql(String sql) {
        if (sql == null) return null;
        return SQL_PASSWORD.matcher(sql).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "'" + MASK + "'"));
    }

    /** True when a statement carries a role password, so that its bound parameters must not be shown either. */
    public static boolean sqlHasPassword(String sql) {
        return sql != null && sql.toUpperCase(java.util.Locale.ROOT).matches("(?s).*\\bPASSWORD\\b.*")
                && sql.trim().toUpperCase(java.util.Locale.ROOT).matches("(?s)^(CREATE|ALTER)\\s+(ROLE|USER|GROUP)\\b.*");
    }

    /** A JDBC or MongoDB URL with its password (query parameter or user info) masked. */
    public static String url(String url) {
        if (url == null) return null;
        String u = URL_SECRET.matcher(url).replaceAll("$1" + MASK);
        return URL_USERINFO.matcher(u).replaceAll("$1" + MASK + "@");
    }

    public static boolean isSecretKey(String key) {
        return key != null && SECRET_KEY.matcher(key).matches();
    }

    /** Facts of an OPENED/CLOSED record or session settings, with secret-looking keys masked and URLs cleaned. */
    public static Map<String, String> facts(Map<String, String> in) {
        Map<String, String> out = new LinkedHashMap<>();
        in.forEach((k, v) -> out.put(k, isSecretKey(k) ? MASK : url(v)));
        return out;
    }
}
