/**
 * The agent's classes that live in the system class loader (the JVM puts the agent jar on the system class path for
 * {@code -javaagent} and for a dynamic attach; in it, only this package and the entry points are visible, the rest of
 * the jar being packed in {@link io.waly.agent.bridge.Pack}): what runs at start (the configuration, the lazy
 * transformer), the class loader over the pack, and what connects advice to WAL-y's driver.
 *
 * <p>Advice inlined into pgjdbc reaches {@link io.waly.agent.bridge.Bridge} reflectively through
 * {@code ClassLoader.getSystemClassLoader()}, with JDK types only, so it works from any class loader, including one
 * whose parent is the platform loader. Nothing is appended to the bootstrap class path: on Java 12 to 24 that makes
 * HotSpot print a class-data-sharing warning in every host JVM, which this agent must not.
 *
 * <p>Agent-internal: applications should not use these.
 */
package io.waly.agent.bridge;
