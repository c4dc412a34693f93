package org.satpgateway.it.crash;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;
import org.jboss.byteman.agent.submit.Submit;
import org.satpgateway.launcher.GatewayNode;

/**
 * The Byteman agent in a gateway's JVM: the crash points' rules, loaded at every start, and the arming of one point
 * at run time (a system property set through the agent's listener). A rule halts the JVM only while armed.
 */
final class CrashAgent {
    private static final Path BYTEMAN = Path.of(System.getProperty("satp.byteman"));

    private CrashAgent() {}

    /** Writes the rules of the points {@code which} selects to {@code dir/crash-points.btm}. */
    static Path rules(Path dir, Predicate<CrashPoint> which) throws IOException {
        StringBuilder script = new StringBuilder();
        CrashPoint.all().stream().filter(CrashPoint::hasRule).filter(which).forEach(p -> script.append(p.rule()).append('\n'));
        return Files.writeString(Files.createDirectories(dir).resolve("crash-points.btm"), script);
    }

    /** Loads the agent with {@code rules} into the node's next starts; returns the port its listener takes. */
    static int attach(GatewayNode node, Path rules) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> options = new ArrayList<>(node.jvmOptions());
        options.add("-javaagent:" + BYTEMAN + "=script:" + rules + ",listener:true,port:" + port);
        if (Boolean.getBoolean("satp.crash.verbose")) {
            options.add("-Dorg.jboss.byteman.verbose=true");
        }
        node.jvmOptions(options);
        return port;
    }

    /** Arms one point in the running JVM whose agent listens on {@code port}. */
    static void arm(int port, String point) throws Exception {
        Properties arm = new Properties();
        arm.setProperty(CrashPoint.ARM, point);
        new Submit("127.0.0.1", port).setSystemProperties(arm);
    }
}
