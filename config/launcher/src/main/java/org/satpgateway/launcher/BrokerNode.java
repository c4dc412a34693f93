package org.satpgateway.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientRequestor;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.api.core.management.ManagementHelper;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.satpgateway.ejb.config.PkiFiles;

/**
 * One gateway's Artemis broker in a JVM of its own (config/broker), listening on 127.0.0.1 only. Its users file
 * ({@code broker-users.properties} in the node's folder, owner-only) is made on first use with a generated password
 * for each of the users {@code gateway}, {@code back-office} and {@code operator} (each in the role of the same name,
 * broker.xml's security-settings), and reused afterwards.
 */
public final class BrokerNode implements AutoCloseable {
    static final String READY = "SATP-BROKER READY";
    /** The broker's users, each in the role of the same name. */
    public static final List<String> USERS = List.of("gateway", "back-office", "operator");

    /** A broker user's name and password. */
    public record Credentials(String user, String password) {
        @Override
        public String toString() {
            return user + " (password not shown)";
        }
    }

    private final Layout layout;
    private final Path dataDir;
    private final Path log;
    private final Path usersFile;
    private final int port;
    private Process process;

    public BrokerNode(Layout layout, Path dir, int port) {
        this.layout = layout;
        this.dataDir = dir.resolve("broker-data");
        this.log = dir.resolve("broker.log");
        this.usersFile = dir.resolve("broker-users.properties");
        this.port = port;
    }

    /** The users file the broker reads ({@code -Dsatp.broker.users}); made with generated passwords if missing. */
    public Path usersFile() {
        try {
            if (!Files.exists(usersFile)) {
                Files.createDirectories(usersFile.getParent());
                StringBuilder text = new StringBuilder("# users of this broker and their roles (generated, owner-only)\n");
                for (String user : USERS) {
                    text.append("user.").append(user).append('=').append(Embedded.randomPassword()).append('\n');
                    text.append("roles.").append(user).append('=').append(user).append('\n');
                }
                PkiFiles.writeSecret(usersFile, text.toString());
            }
            return usersFile;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The name and password of one of {@link #USERS}. */
    public Credentials credentials(String user) {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(usersFile(), StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        String password = p.getProperty("user." + user);
        if (password == null) {
            throw new IllegalArgumentException("no broker user " + user + " in " + usersFile);
        }
        return new Credentials(user, password);
    }

    /** A JMS connection factory of this broker that connects as {@code user} (one of {@link #USERS}). */
    public ActiveMQConnectionFactory connectionFactory(String user) {
        Credentials c = credentials(user);
        return new ActiveMQConnectionFactory(url(), c.user(), c.password());
    }

    /**
     * Invokes a management operation of this broker as {@code user} (for example {@code queue.DLQ},
     * {@code countMessages}) and returns its result. Only the role operator may: for another user the broker refuses
     * the request (an {@code ActiveMQSecurityException}).
     */
    public Object manage(String user, String resource, String operation, Object... params) throws Exception {
        Credentials c = credentials(user);
        try (ServerLocator locator = ActiveMQClient.createServerLocator(url());
                ClientSessionFactory factory = locator.createSessionFactory();
                ClientSession session = factory.createSession(c.user(), c.password(), false, true, true, false, 0)) {
            session.start();
            try (ClientRequestor requestor = new ClientRequestor(session, "activemq.management")) {
                ClientMessage request = session.createMessage(true); // durable: the send blocks, so a refusal is thrown here
                ManagementHelper.putOperationInvocation(request, resource, operation, params);
                ClientMessage reply = requestor.request(request, 30_000);
                if (reply == null) {
                    throw new IllegalStateException("no answer to " + resource + " " + operation + " within 30 s");
                }
                if (!ManagementHelper.hasOperationSucceeded(reply)) {
                    throw new IllegalStateException(resource + " " + operation + " failed: " + ManagementHelper.getResult(reply));
                }
                return ManagementHelper.getResult(reply);
            }
        }
    }

    /** The number of messages in a queue (scheduled and in delivery included), asked as the operator. */
    public long messageCount(String queue) throws Exception {
        return ((Number) manage("operator", ResourceNames.QUEUE + queue, "countMessages")).longValue();
    }

    /** Starts the broker and waits for it to listen. */
    public BrokerNode start() throws IOException, InterruptedException {
        Files.createDirectories(dataDir);
        Path users = usersFile();
        long skip = Processes.lineCount(log);
        process = new ProcessBuilder(List.of(Processes.java(), "-Xms64m", "-Xmx256m",
                "-Dsatp.broker.data=" + dataDir, "-Dsatp.broker.port=" + port, "-Dsatp.broker.host=127.0.0.1",
                "-Dsatp.broker.users=" + users,
                "-cp", layout.brokerJar().toString(), "org.satpgateway.config.broker.BrokerMain", layout.brokerXml().toString()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try (var lines = Files.lines(log, StandardCharsets.ISO_8859_1)) {
                if (lines.skip(skip).anyMatch(l -> l.startsWith(READY))) {
                    return this;
                }
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("the broker exited with " + process.exitValue() + ", see " + log);
            }
            Thread.sleep(50);
        }
        process.destroyForcibly();
        throw new IllegalStateException("the broker did not start within 60 s, see " + log);
    }

    public int port() {
        return port;
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    public Process process() {
        return process;
    }

    public void kill9() {
        Processes.kill9(process);
    }

    @Override
    public void close() {
        Processes.stop(process, Duration.ofSeconds(15));
    }
}
