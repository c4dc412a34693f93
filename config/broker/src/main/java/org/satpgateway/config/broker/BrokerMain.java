package org.satpgateway.config.broker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import org.apache.activemq.artemis.core.config.FileDeploymentManager;
import org.apache.activemq.artemis.core.config.impl.FileConfiguration;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManagerImpl;

/**
 * Runs one Artemis broker in this JVM, configured by a broker.xml file, until the process gets SIGTERM / SIGINT.
 *
 * <pre>
 * java -Dsatp.broker.data=DIR [-Dsatp.broker.port=61616] -cp satp-broker.jar \
 *      org.satpgateway.config.broker.BrokerMain path/to/broker.xml
 * (the jar's manifest Class-Path names lib/*.jar beside it)
 * </pre>
 *
 * System properties (read here and substituted into broker.xml): {@code satp.broker.data} (required),
 * {@code satp.broker.host} (127.0.0.1), {@code satp.broker.port} (61616), {@code satp.broker.name} (satp-broker).
 * Environment: {@code SATP_BROKER_USER} and {@code SATP_BROKER_PASSWORD} switch security on with that one user.
 * Prints {@code SATP-BROKER READY host:port <ms> ms ...} on standard output once the acceptor listens, and
 * {@code SATP-BROKER FAILED ...} on standard error before exiting with 1 when it cannot start (port in use, data
 * folder locked by another broker for more than journal-lock-acquisition-timeout, bad broker.xml).
 * SIGTERM / SIGINT stop the broker cleanly (exit 143 / 130); kill -9 loses nothing that was acknowledged.
 */
public final class BrokerMain {

    public static final String READY_MARKER = "SATP-BROKER READY";

    private BrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        // slf4j-simple reads these when Artemis creates its first logger, so they must be set before that.
        // The audit loggers log every management call at INFO: keep them quiet unless asked for.
        defaultProperty("org.slf4j.simpleLogger.log.org.apache.activemq.audit", "warn");
        defaultProperty("org.slf4j.simpleLogger.showDateTime", "true");
        defaultProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd HH:mm:ss.SSS");
        defaultProperty("org.slf4j.simpleLogger.showThreadName", "false");
        if (args.length != 1) {
            System.err.println("usage: BrokerMain <broker.xml>  (-Dsatp.broker.data=DIR required)");
            System.exit(1);
        }
        Path brokerXml = Path.of(args[0]).toAbsolutePath().normalize();
        String data = System.getProperty("satp.broker.data");
        if (data == null || data.isBlank() || !Files.isRegularFile(brokerXml)) {
            System.err.println("broker.xml not found or -Dsatp.broker.data missing: " + brokerXml);
            System.exit(1);
        }
        Path dataDir = Path.of(data).toAbsolutePath().normalize();
        Files.createDirectories(dataDir);
        System.setProperty("satp.broker.data", dataDir.toString());
        defaultProperty("satp.broker.host", "127.0.0.1");
        defaultProperty("satp.broker.port", "61616");
        defaultProperty("satp.broker.name", "satp-broker");

        FileConfiguration configuration = new FileConfiguration();
        new FileDeploymentManager(brokerXml.toUri().toString()).addDeployable(configuration).readConfiguration();

        EmbeddedActiveMQ broker = new EmbeddedActiveMQ().setConfiguration(configuration);
        String user = System.getenv("SATP_BROKER_USER");
        String password = System.getenv("SATP_BROKER_PASSWORD");
        ActiveMQSecurityManagerImpl securityManager = new ActiveMQSecurityManagerImpl();
        if (user != null && !user.isEmpty() && password != null) {
            configuration.setSecurityEnabled(true);
            securityManager.getConfiguration().addUser(user, password);
            securityManager.getConfiguration().addRole(user, "amq"); // role granted everything in broker.xml
        }
        broker.setSecurityManager(securityManager);

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                ActiveMQServer server = broker.getActiveMQServer();
                if (server != null && server.isStarted()) {
                    broker.stop();
                    System.out.println("SATP-BROKER STOPPED");
                }
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                stopped.countDown();
            }
        }, "satp-broker-shutdown"));

        try {
            broker.start();
        } catch (Exception e) {
            e.printStackTrace();
            fail("broker failed to start (data folder locked by another broker?): " + e);
        }
        ActiveMQServer server = broker.getActiveMQServer();
        // A failed start (e.g. port in use) is logged by Artemis, which then stops the server: detect it at once.
        if (!server.isStarted() || !server.isActive()) {
            fail("broker failed to start: state " + server.getState() + " (see the errors above)");
        }
        var acceptor = server.getRemotingService().getAcceptor("core");
        if (acceptor == null || !acceptor.isStarted()) {
            fail("acceptor 'core' did not start (port in use?)");
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println(READY_MARKER + " " + System.getProperty("satp.broker.host") + ":"
                + System.getProperty("satp.broker.port") + " " + ms + " ms data=" + dataDir
                + " security=" + configuration.isSecurityEnabled());
        System.out.flush();
        stopped.await();
    }

    private static void fail(String message) {
        System.err.println("SATP-BROKER FAILED " + message);
        System.err.flush();
        Runtime.getRuntime().halt(1);
    }

    private static void defaultProperty(String name, String value) {
        if (System.getProperty(name) == null) {
            System.setProperty(name, value);
        }
    }
}
