package io.waly.log;

import io.waly.log.read.DirectoryLog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a log lives, from one location string: a directory ({@code /var/lib/app/waly}, {@code ./waly-log},
 * {@code file:///var/lib/app/waly}) or {@code scheme://…} for a log served by a {@link LogProvider} found on the class
 * path ({@code kafka://host1:9092,host2:9092/topic?…}).
 */
public final class LogProviders {
    private LogProviders() {}

    private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*)://");

    /** The location's scheme, lower case; null for a directory (a path, or {@code file://}). */
    public static String scheme(String location) {
        Matcher m = SCHEME.matcher(location.trim());
        if (!m.find()) return null;
        String s = m.group(1).toLowerCase(Locale.ROOT);
        return s.equals("file") ? null : s;
    }

    /** True when {@code location} names a directory. */
    public static boolean isDirectory(String location) {
        return scheme(location) == null;
    }

    /** The directory a directory location names. */
    public static Path directory(String location) {
        String l = location.trim();
        if (l.regionMatches(true, 0, "file://", 0, 7)) return Path.of(java.net.URI.create(l));
        return Path.of(l);
    }

    /**
     * The provider of {@code location}'s scheme, looked up with this class's loader (the driver's, or the agent's
     * own, which bundles the Kafka log) and the thread's context loader.
     *
     * @throws LogException naming the schemes that are available when none serves it
     */
    public static LogProvider provider(String location) {
        String scheme = scheme(location);
        if (scheme == null) throw new IllegalArgumentException("not a log served by a provider: " + mask(location));
        List<String> known = new ArrayList<>();
        for (ClassLoader loader : loaders()) {
            Iterator<LogProvider> providers = ServiceLoader.load(LogProvider.class, loader).iterator();
            while (true) {
                LogProvider p;
                try {
                    if (!providers.hasNext()) break;
                    p = providers.next();
                } catch (ServiceConfigurationError e) {
                    // another copy of WAL-y's, whose LogProvider is not this one (the application's, seen from the
                    // agent's loader): not a provider for this copy
                    continue;
                }
                if (p.scheme().equals(scheme)) return p;
                known.add(p.scheme());
            }
        }
        throw new LogException("no WAL-y log provider for " + scheme + ":// on the class path (found: "
                + (known.isEmpty() ? "none" : String.join(", ", known)) + "); for kafka:// put waly-log-kafka's jar beside the driver");
    }

    /** The log at {@code location}, for readers: a directory, or a provider's. */
    public static LogSource source(String location) {
        return isDirectory(location) ? new DirectoryLog(directory(location)) : provider(location).source(location);
    }

    private static List<ClassLoader> loaders() {
        List<ClassLoader> out = new ArrayList<>();
        out.add(LogProviders.class.getClassLoader());
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (context != null && context != out.get(0)) out.add(context);
        return out;
    }

    // user:password@ in an authority, and query values whose name says they hold a secret
    private static final Pattern USER_INFO = Pattern.compile("(://[^/@:]*:)[^/@]*@");
    private static final Pattern SECRET_PARAM = Pattern.compile(
            "([?&][^=&]*(?:password|secret|jaas|token|credential|sasl\\.[^=&]*config|key)[^=&]*=)[^&]*", Pattern.CASE_INSENSITIVE);

    /** {@code location} with what may be a secret replaced by {@code ********}: what messages and output show. */
    public static String mask(String location) {
        if (location == null) return null;
        String s = USER_INFO.matcher(location).replaceAll("$1********@");
        return SECRET_PARAM.matcher(s).replaceAll("$1********");
    }
}
