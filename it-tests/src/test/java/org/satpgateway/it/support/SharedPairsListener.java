package org.satpgateway.it.support;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Counts, when a run starts, the test classes that use each shared pair of gateways (a class with
 * {@code @ExtendWith} of an extension marked {@link SharedPairs.Kind}), and stops a pair once its last class has finished
 * ({@link SharedPairs#release}). Registered with the JUnit Platform through {@code META-INF/services}.
 */
public final class SharedPairsListener implements TestExecutionListener {
    private final Map<Class<?>, Integer> users = new ConcurrentHashMap<>();

    @Override
    public void testPlanExecutionStarted(TestPlan plan) {
        for (TestIdentifier root : plan.getRoots()) {
            for (TestIdentifier id : plan.getDescendants(root)) {
                pairOf(id).ifPresent(kind -> users.merge(kind, 1, Integer::sum));
            }
        }
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        pairOf(id).ifPresent(kind -> {
            if (users.merge(kind, -1, Integer::sum) <= 0) {
                SharedPairs.release(kind);
            }
        });
    }

    @Override
    public void testPlanExecutionFinished(TestPlan plan) {
        SharedPairs.releaseAll();
    }

    /** The shared pair a test class uses: the parameter-resolving extension it names, if it is a shared pair's. */
    private static Optional<Class<?>> pairOf(TestIdentifier id) {
        if (!id.isContainer() || !(id.getSource().orElse(null) instanceof ClassSource source)) {
            return Optional.empty();
        }
        Class<?> test;
        try {
            test = source.getJavaClass();
        } catch (RuntimeException notLoadable) {
            return Optional.empty();
        }
        ExtendWith extensions = test.getAnnotation(ExtendWith.class);
        if (extensions == null) {
            return Optional.empty();
        }
        for (Class<?> e : extensions.value()) {
            if (ParameterResolver.class.isAssignableFrom(e) && e.isAnnotationPresent(SharedPairs.Kind.class)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
