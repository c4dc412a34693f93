package org.satpgateway.it.server;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;

/**
 * A broker for the server tests, started by the broker tests' own launcher,
 * {@code org.satpgateway.it.broker.BrokerProcess} ({@code config/run-broker.sh} in a JVM of its own, ready on its
 * {@code SATP-BROKER READY} line, SIGTERM on close). That class is package-private, so it is reached through
 * reflection: both packages then start and stop the broker in exactly the same way.
 */
final class Broker implements AutoCloseable {

    private static final String LAUNCHER = "org.satpgateway.it.broker.BrokerProcess";

    private final AutoCloseable process;
    final int port;
    /** From process start to the READY line. */
    final long startMillis;

    private Broker(AutoCloseable process, int port, long startMillis) {
        this.process = process;
        this.port = port;
        this.startMillis = startMillis;
    }

    /** A broker on a fresh data folder {@code <satp.work>/<name>-data}, its output in {@code <satp.work>/<name>.log}. */
    static Broker start(String name, int port) throws Exception {
        Class<?> launcher = Class.forName(LAUNCHER);
        Path data = (Path) call(launcher, "freshDir", new Class<?>[] {String.class}, name + "-data");
        AutoCloseable process = (AutoCloseable) call(launcher, "start",
                new Class<?>[] {Path.class, int.class, String.class}, data, port, name);
        Field startMillis = launcher.getDeclaredField("startMillis");
        startMillis.setAccessible(true);
        return new Broker(process, port, startMillis.getLong(process));
    }

    private static Object call(Class<?> type, String name, Class<?>[] parameters, Object... arguments) throws Exception {
        Method method = type.getDeclaredMethod(name, parameters);
        method.setAccessible(true);
        try {
            return method.invoke(null, arguments);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** SIGTERM, then kill -9 if the broker has not exited within 30 s. */
    @Override
    public void close() throws IOException {
        try {
            process.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while stopping the broker");
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }
}
