package org.satpgateway.it.support;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.satpgateway.launcher.Embedded;
import org.satpgateway.launcher.Layout;
import org.satpgateway.launcher.Processes;

/**
 * One pair of gateways started the way the one command starts them (two brokers, two Payara Micro processes, H2 logs),
 * G1 on the reference ledger and G2 on an EVM chain (a Hardhat node, {@code --ledger evm}), shared by the test classes that do not need a pair of their own: a class says
 * {@code @ExtendWith(SharedGateways.class)} and takes an {@link Embedded} parameter in its {@code @BeforeAll}. The
 * pair starts with the first class that asks for it and stops after the last class that uses it ({@link SharedPairs}).
 * A class that kills one of its gateways launches it again and waits until it is ready before it returns; each test
 * works on its own assets.
 */
@SharedPairs.Kind
public final class SharedGateways implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Embedded.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return SharedPairs.get(SharedGateways.class, Pair::start).embedded;
    }

    /**
     * The operators' alerts checked every second, a counterpart unreachable for 5 s and a session 1 s past its deadline
     * count, so that tests see them come (OperatorConsoleIT, PayaraMicroRestartIT).
     */
    static final java.util.Map<String, String> ALERTS = java.util.Map.of("gateway.alerts.check-ms", "1000",
            "gateway.alerts.peer-unreachable-ms", "5000", "gateway.alerts.deadline-grace-ms", "1000");

    private static java.util.Map<String, String> with(java.util.Map<String, String> base, String key, String value) {
        java.util.Map<String, String> m = new java.util.HashMap<>(base);
        m.put(key, value);
        return m;
    }

    /** The running pair. */
    private record Pair(Embedded embedded) implements AutoCloseable {
        static Pair start() {
            Path work = Path.of(System.getProperty("satp.work", "target/it")).resolve("shared-" + System.nanoTime());
            Embedded embedded = null;
            try {
                // G1 on the reference ledger, G2 on an EVM chain (a block every 250 ms): every transfer of the classes
                // that share this pair goes from one connector to the other
                embedded = new Embedded(new Layout(Path.of(System.getProperty("satp.repository"))).check(),
                        Embedded.Options.freePorts(work)
                                .withSettings(ALERTS, with(ALERTS, "gateway.ledger.poll-ms", "200"))
                                .withEvmLedgers(Embedded.Evm.freePorts(250, 1).onlyG2()));
                Duration up = embedded.start(Duration.ofMinutes(4));
                System.out.printf("[shared-gateways] both up in %d ms (%s)%n", up.toMillis(), work);
                return new Pair(embedded);
            } catch (Exception e) {
                if (embedded != null) {
                    embedded.close();
                }
                throw new IllegalStateException("the shared gateways did not start (" + work + ")", e);
            }
        }

        @Override
        public void close() {
            embedded.pids().forEach((n, pid) -> System.out.printf("[shared-gateways] %s RSS %d MiB%n", n, Processes.rssMiB(pid)));
            embedded.close();
        }
    }
}
