package org.satpgateway.it.crash;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.jboss.byteman.agent.submit.ScriptText;
import org.jboss.byteman.agent.submit.Submit;
import org.satpgateway.launcher.GatewayNode;

/**
 * The Byteman agent in a gateway's JVM: the crash points' rules, and the arming of one point at run time (a system
 * property set through the agent's listener); a rule halts the JVM only while armed. The rules that name their class
 * ({@code CLASS}) are loaded with the JVM. The ledger points' rules ({@code INTERFACE ^LedgerConnector}: whichever
 * connector runs) are added to the running JVM when armed: loaded at start, such a rule makes the agent read the
 * supertypes of every class the JVM loads, which made each start of a gateway about 5 s longer. Rules of the other
 * kind are not added later: retransforming {@code JmsChannel} for one failed with a {@code VerifyError}.
 */
final class CrashAgent {
    private static final Path BYTEMAN = Path.of(System.getProperty("satp.byteman"));
    private static final String AGENT = "-javaagent:" + BYTEMAN + "=";

    private CrashAgent() {}

    /** Writes the start rules (those that name their class) of the points {@code which} selects to {@code dir/name}. */
    static Path startRules(Path dir, String name, java.util.stream.Stream<CrashPoint> which) throws IOException {
        StringBuilder script = new StringBuilder();
        which.filter(CrashPoint::hasRule).filter(p -> !addedWhenArmed(p)).forEach(p -> script.append(p.rule()).append('\n'));
        return Files.writeString(Files.createDirectories(dir).resolve(name), script);
    }

    /** True for a rule that the agent would check against every loaded class: it is added when its point is armed. */
    static boolean addedWhenArmed(CrashPoint p) {
        return p.hasRule() && p.target().contains("^");
    }

    /** Loads the agent with {@code rules} into the node's next starts; returns the port its listener takes. */
    static int attach(GatewayNode node, Path rules) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> options = new ArrayList<>(node.jvmOptions());
        options.add(AGENT + "script:" + rules + ",listener:true,port:" + port);
        if (Boolean.getBoolean("satp.crash.verbose")) {
            options.add("-Dorg.jboss.byteman.verbose=true");
        }
        node.jvmOptions(options);
        return port;
    }

    /** Arms the point in the running JVM whose agent listens on {@code port}, adding its rule if it is not loaded. */
    static void arm(int port, CrashPoint point) throws Exception {
        if (addedWhenArmed(point)) {
            new Submit("127.0.0.1", port).addScripts(List.of(new ScriptText(point.name() + ".btm", point.rule())));
        }
        setArmed(port, point.name());
    }

    /** Arms the point of {@link CrashPoint#all()} named {@code name} (adding its rule); any other name disarms. */
    static void arm(int port, String name) throws Exception {
        Optional<CrashPoint> point = CrashPoint.all().stream().filter(p -> p.name().equals(name)).findFirst();
        if (point.isPresent()) {
            arm(port, point.get());
        } else {
            setArmed(port, name);
        }
    }

    /**
     * The node's JVM options for a start that is armed at {@code point} from its first instant (start-up recovery
     * may reach the point before the gateway is ready); a rule that is not among the start rules is loaded too.
     */
    static List<String> armedFromStart(List<String> options, CrashPoint point, Path dir) throws IOException {
        List<String> armed = new ArrayList<>();
        for (String o : options) {
            if (o.startsWith(AGENT) && addedWhenArmed(point)) {
                Path script = Files.writeString(Files.createDirectories(dir).resolve(point.name() + ".btm"), point.rule());
                armed.add(AGENT + "script:" + script + "," + o.substring(AGENT.length()));
            } else {
                armed.add(o);
            }
        }
        armed.add("-D" + CrashPoint.ARM + "=" + point.name());
        return armed;
    }

    private static void setArmed(int port, String name) throws Exception {
        Properties arm = new Properties();
        arm.setProperty(CrashPoint.ARM, name);
        new Submit("127.0.0.1", port).setSystemProperties(arm);
    }
}
