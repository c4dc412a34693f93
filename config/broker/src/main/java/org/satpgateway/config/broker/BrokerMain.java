package org.satpgateway.config.broker;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

import org.apache.activemq.artemis.api.config.ActiveMQDefaultConfiguration;
import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.FileDeploymentManager;
import org.apache.activemq.artemis.core.config.impl.FileConfiguration;
import org.apache.activemq.artemis.core.remoting.impl.netty.TransportConstants;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;

/**
 * Runs one Artemis broker in this JVM, configured by a broker.xml file, until the process gets SIGTERM / SIGINT.
 *
 * <pre>
 * java -Dsatp.broker.data=DIR -Dsatp.broker.users=FILE [-Dsatp.broker.port=61616] -cp satp-broker.jar \
 *      org.satpgateway.config.broker.BrokerMain path/to/broker.xml
 * java -cp satp-broker.jar org.satpgateway.config.broker.BrokerMain --hash-password   (reads a password, prints ENC(...))
 * (the jar's manifest Class-Path names lib/*.jar beside it)
 * </pre>
 *
 * System properties (read here and substituted into broker.xml): {@code satp.broker.data} (required),
 * {@code satp.broker.users} (required), {@code satp.broker.host} (127.0.0.1), {@code satp.broker.port} (61616),
 * {@code satp.broker.name} (satp-broker).
 *
 * <p><b>Security is always on.</b> Users and roles come from the users file named by {@code satp.broker.users}, a
 * properties file that only its owner may read (mode 600 or 400; otherwise the broker does not start):
 * <pre>
 * user.gateway=&lt;password&gt;        roles.gateway=gateway
 * user.back-office=&lt;password&gt;    roles.back-office=back-office
 * user.operator=ENC(1024:...)     roles.operator=operator
 * </pre>
 * A password is given in clear (at least 12 characters) or as {@code ENC(...)}, the one-way hash that
 * {@code --hash-password} prints. What each role may do on which address is broker.xml's security-settings. Nobody
 * connects without a user of the file; Artemis' built-in cluster user gets a random password at every start
 * (this broker is not clustered).
 *
 * <p><b>TLS off loopback.</b> An acceptor whose host is not a loopback address is refused unless a key store is
 * given: {@code satp.broker.tls.key-store} (a PKCS12 file; {@code satp.broker.tls.key-store-type} for another type)
 * with its password in the environment variable {@code SATP_BROKER_TLS_KEY_STORE_PASSWORD} (or the system property
 * {@code satp.broker.tls.key-store-password}, which other local users can see in the process list). Such an acceptor
 * then takes TLS 1.3 only. A loopback acceptor stays plain TCP.
 *
 * <p>Prints {@code SATP-BROKER READY host:port <ms> ms ...} on standard output once the acceptor listens, and
 * {@code SATP-BROKER FAILED ...} on standard error before exiting with 1 when it cannot start (no or unsafe users
 * file, no TLS off loopback, port in use, data folder locked by another broker for more than
 * journal-lock-acquisition-timeout, bad broker.xml). SIGTERM / SIGINT stop the broker cleanly (exit 143 / 130);
 * kill -9 loses nothing that was acknowledged.
 */
public final class BrokerMain {

    public static final String READY_MARKER = "SATP-BROKER READY";
    static final String TLS_PROTOCOL = "TLSv1.3";

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
        if (args.length == 1 && args[0].equals("--hash-password")) {
            hashPassword();
            return;
        }
        if (args.length != 1) {
            System.err.println("usage: BrokerMain <broker.xml>  (-Dsatp.broker.data=DIR -Dsatp.broker.users=FILE required)"
                    + "\n       BrokerMain --hash-password  (reads a password from standard input, prints ENC(...))");
            System.exit(1);
        }
        Path brokerXml = Path.of(args[0]).toAbsolutePath().normalize();
        String data = System.getProperty("satp.broker.data");
        if (data == null || data.isBlank() || !Files.isRegularFile(brokerXml)) {
            System.err.println("broker.xml not found or -Dsatp.broker.data missing: " + brokerXml);
            System.exit(1);
        }
        String usersFile = System.getProperty("satp.broker.users");
        if (usersFile == null || usersFile.isBlank()) {
            fail("-Dsatp.broker.users is not set: the broker takes only the users of that file (there is no open default)");
        }
        List<BrokerUsers.User> users = null;
        try {
            users = BrokerUsers.load(Path.of(usersFile).toAbsolutePath());
        } catch (IllegalArgumentException e) {
            fail(e.getMessage());
        }
        Path dataDir = Path.of(data).toAbsolutePath().normalize();
        Files.createDirectories(dataDir);
        System.setProperty("satp.broker.data", dataDir.toString());
        defaultProperty("satp.broker.host", "127.0.0.1");
        defaultProperty("satp.broker.port", "61616");
        defaultProperty("satp.broker.name", "satp-broker");

        FileConfiguration configuration = new FileConfiguration();
        new FileDeploymentManager(brokerXml.toUri().toString()).addDeployable(configuration).readConfiguration();
        configuration.setSecurityEnabled(true);
        if (ActiveMQDefaultConfiguration.getDefaultClusterPassword().equals(configuration.getClusterPassword())) {
            // the built-in cluster user bypasses every permission: with its well-known default password it would let
            // anyone in. This broker is not clustered, so nobody needs to know it.
            configuration.setClusterPassword(randomSecret());
        }
        boolean tls = false;
        try {
            tls = secureAcceptors(configuration);
        } catch (IllegalArgumentException e) {
            fail(e.getMessage());
        }

        EmbeddedActiveMQ broker = new EmbeddedActiveMQ().setConfiguration(configuration);
        broker.setSecurityManager(new UsersSecurityManager(users));

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
                + " security=" + configuration.isSecurityEnabled() + " users=" + users + " tls=" + tls);
        System.out.flush();
        stopped.await();
    }

    /**
     * Every acceptor listening on anything but a loopback address takes TLS 1.3 with the configured key store; without
     * one it is refused. Returns whether any acceptor uses TLS.
     */
    static boolean secureAcceptors(Configuration configuration) {
        String keyStore = System.getProperty("satp.broker.tls.key-store");
        String password = System.getenv("SATP_BROKER_TLS_KEY_STORE_PASSWORD");
        if (password == null) {
            password = System.getProperty("satp.broker.tls.key-store-password");
        }
        boolean tls = false;
        Set<TransportConfiguration> acceptors = new LinkedHashSet<>();
        for (TransportConfiguration a : configuration.getAcceptorConfigurations()) {
            Map<String, Object> params = new HashMap<>(a.getParams());
            boolean sslEnabled = Boolean.parseBoolean(String.valueOf(params.get(TransportConstants.SSL_ENABLED_PROP_NAME)));
            Object host = params.getOrDefault(TransportConstants.HOST_PROP_NAME, TransportConstants.DEFAULT_HOST);
            if (!sslEnabled && !loopbackOnly(String.valueOf(host))) {
                if (keyStore == null || keyStore.isBlank()) {
                    throw new IllegalArgumentException("acceptor '" + a.getName() + "' listens on " + host + ", which is not"
                            + " a loopback address, and no TLS key store is configured (-Dsatp.broker.tls.key-store and"
                            + " SATP_BROKER_TLS_KEY_STORE_PASSWORD): off loopback the broker takes TLS only");
                }
                Path store = Path.of(keyStore).toAbsolutePath();
                if (!Files.isRegularFile(store) || !Files.isReadable(store)) {
                    throw new IllegalArgumentException("TLS key store " + store + " does not exist or cannot be read");
                }
                if (password == null || password.isEmpty()) {
                    throw new IllegalArgumentException("TLS key store " + store + " has no password"
                            + " (SATP_BROKER_TLS_KEY_STORE_PASSWORD or -Dsatp.broker.tls.key-store-password)");
                }
                params.put(TransportConstants.SSL_ENABLED_PROP_NAME, "true");
                params.put(TransportConstants.KEYSTORE_PATH_PROP_NAME, store.toString());
                params.put(TransportConstants.KEYSTORE_PASSWORD_PROP_NAME, password);
                params.put(TransportConstants.KEYSTORE_TYPE_PROP_NAME,
                        System.getProperty("satp.broker.tls.key-store-type", "PKCS12"));
                params.put(TransportConstants.ENABLED_PROTOCOLS_PROP_NAME, TLS_PROTOCOL);
                sslEnabled = true;
            }
            tls |= sslEnabled;
            acceptors.add(new TransportConfiguration(a.getFactoryClassName(), params, a.getName(), a.getExtraParams()));
        }
        configuration.setAcceptorConfigurations(acceptors);
        return tls;
    }

    /** True when every host of an acceptor's host list resolves to loopback addresses only. */
    static boolean loopbackOnly(String hosts) {
        for (String host : hosts.split(",")) {
            try {
                for (InetAddress address : InetAddress.getAllByName(host.strip())) {
                    if (!address.isLoopbackAddress()) {
                        return false;
                    }
                }
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("acceptor host " + host + " cannot be resolved");
            }
        }
        return true;
    }

    /** Reads one password from the console (not echoed) or standard input and prints its ENC(...) hash. */
    private static void hashPassword() throws Exception {
        String password;
        if (System.console() != null) {
            char[] typed = System.console().readPassword("password: ");
            password = typed == null ? null : new String(typed);
        } else {
            password = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        }
        if (password == null || password.length() < BrokerUsers.MIN_PASSWORD_LENGTH) {
            System.err.println("a password of at least " + BrokerUsers.MIN_PASSWORD_LENGTH + " characters is needed");
            System.exit(1);
        }
        System.out.println(BrokerUsers.hash(password));
    }

    private static String randomSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
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
