package app;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * A host that loads a plugin and the plugin's pgjdbc in a class loader of their own, whose parent is the platform
 * class loader: neither the host's class path (which has no pgjdbc, and poisoned copies of Jackson and JSqlParser)
 * nor the system class loader is visible to it.
 */
public final class PluginHost {
    public static void main(String[] args) throws Exception {
        String url = args[0];
        URL[] jars = {Path.of(args[1]).toUri().toURL(), Path.of(args[2]).toUri().toURL()};
        try {
            Class.forName("org.postgresql.Driver");
            throw new IllegalStateException("pgjdbc must not be on the host's class path");
        } catch (ClassNotFoundException expected) {
            // as it should be
        }
        try (URLClassLoader plugins = new URLClassLoader("plugins", jars, ClassLoader.getPlatformClassLoader())) {
            @SuppressWarnings("unchecked")
            Consumer<String> plugin = (Consumer<String>) plugins.loadClass("plugin.Plugin").getConstructor().newInstance();
            plugin.accept(url);
        }
        System.out.println("done");
    }
}
