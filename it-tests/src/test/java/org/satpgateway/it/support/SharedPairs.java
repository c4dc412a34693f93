package org.satpgateway.it.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Running pairs of gateways that several test classes share, one per kind (the extension class that gives it to
 * tests, such as {@link SharedGateways}). A pair starts when the first class asks for it and stops after the last
 * class of the run that uses it ({@link SharedPairsListener}), or when the test JVM ends, so that it does not idle
 * beside the classes that start their own processes.
 */
public final class SharedPairs {
    private static final Map<Class<?>, AutoCloseable> RUNNING = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(SharedPairs::releaseAll, "shared-pairs-stop"));
    }

    private SharedPairs() {}

    /** The running pair of this kind, started by {@code start} if there is none. */
    @SuppressWarnings("unchecked")
    public static <T extends AutoCloseable> T get(Class<?> kind, Supplier<T> start) {
        return (T) RUNNING.computeIfAbsent(kind, k -> start.get());
    }

    /** Stops the pair of this kind, if one runs; a later request starts a new one. */
    static void release(Class<?> kind) {
        AutoCloseable pair = RUNNING.remove(kind);
        if (pair != null) {
            System.out.println("[shared-pairs] stopping the pair of " + kind.getSimpleName());
            try {
                pair.close();
            } catch (Exception e) {
                System.err.println("[shared-pairs] stopping " + kind.getSimpleName() + ": " + e);
            }
        }
    }

    static void releaseAll() {
        List.copyOf(RUNNING.keySet()).forEach(SharedPairs::release);
    }

    /** Marks the extension that gives test classes a shared pair (the pair's kind). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    public @interface Kind {}
}
