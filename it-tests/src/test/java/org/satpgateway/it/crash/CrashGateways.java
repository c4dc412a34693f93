package org.satpgateway.it.crash;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.satpgateway.it.support.SharedPairs;
import org.satpgateway.launcher.Embedded;
import org.satpgateway.launcher.GatewayNode;
import org.satpgateway.launcher.Layout;
import org.satpgateway.launcher.Postgres;
import org.satpgateway.launcher.PostgresLog;

/**
 * The pair of gateways the crash tests share ({@code CrashMatrixIT}, {@code KeyLossIT}, {@code OperatorAlertsIT}):
 * the Byteman agent in both JVMs with the crash points' rules ({@link CrashAgent}; a rule halts its JVM only while
 * armed; a test may add rules of its own); timers at a one-second base, operators' alerts checked every second, and
 * the logs in H2 or, with {@code -Dsatp.crash.log=postgres}, in one PostgreSQL server. A class takes a
 * {@link Pair} parameter in its {@code @BeforeAll}. The pair starts with the first class that asks for it and stops
 * after the last class that uses it ({@link SharedPairs}). A test that halts a gateway launches it again and waits
 * until it is ready.
 */
@SharedPairs.Kind
final class CrashGateways implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Pair.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return SharedPairs.get(CrashGateways.class, Pair::start);
    }

    /**
     * The running pair, its working folder, the port of each gateway's Byteman listener, and the PostgreSQL server
     * of both logs (null for H2 logs).
     */
    record Pair(Embedded embedded, Path work, Map<String, Integer> agentPorts, Postgres database)
            implements AutoCloseable {

        static Pair start() {
            Path work = Path.of(System.getProperty("satp.work", "target/it")).resolve("crash-" + System.nanoTime());
            Postgres database = null;
            Embedded embedded = null;
            try {
                Layout layout = new Layout(Path.of(System.getProperty("satp.repository"))).check();
                // timers at a one-second base; operators' alerts checked every second (OperatorAlertsIT)
                Map<String, String> settings = Map.of("gateway.retry-base-ms", "1000", "gateway.alerts.check-ms", "1000");
                Embedded.Options options = Embedded.Options.freePorts(work).withSettings(settings, settings);
                boolean postgres = "postgres".equals(System.getProperty("satp.crash.log", "h2"));
                if (postgres) {
                    database = Postgres.builder(work.resolve("pg-data")).start();
                    options = PostgresLog.options(options, Path.of(System.getProperty("satp.pgDriver")));
                }
                embedded = new Embedded(layout, options);
                if (postgres) {
                    PostgresLog.use(embedded, layout, database);
                }
                Path rules = CrashAgent.startRules(work, "crash-points.btm", CrashPoint.all().stream());
                Map<String, Integer> ports = new HashMap<>();
                for (GatewayNode g : List.of(embedded.g1(), embedded.g2())) {
                    ports.put(g.name(), CrashAgent.attach(g, rules));
                }
                Duration up = embedded.start(Duration.ofMinutes(4));
                System.out.printf("[crash-gateways] both up in %d ms (%s, %s logs)%n", up.toMillis(), work,
                        postgres ? "PostgreSQL" : "H2");
                return new Pair(embedded, work, Map.copyOf(ports), database);
            } catch (Exception e) {
                new Pair(embedded, work, Map.of(), database).close();
                throw new IllegalStateException("the crash tests' gateways did not start (" + work + ")", e);
            }
        }

        /** Arms one point in the running JVM of {@code g} (its rule added there). */
        void arm(GatewayNode g, String point) throws Exception {
            CrashAgent.arm(agentPorts.get(g.name()), point);
        }

        @Override
        public void close() {
            if (embedded != null) {
                embedded.close();
            }
            if (database != null) {
                database.close();
            }
        }
    }
}
