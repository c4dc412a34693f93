package org.satpgateway.it.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import javax.xml.parsers.DocumentBuilderFactory;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.ManagedConnectionFactory;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterAssociation;
import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkManager;

/**
 * The built RAR, loaded the way a server loads it: its own jars in one class loader whose parent shows only the
 * JDK and the jakarta.* APIs (as Payara provides them). Checks ra.xml against the classes, then sends and receives
 * through the outbound connection factory and receives through an inbound activation, against a real broker.
 * The adapter is given the gateway's broker user (UserName, Password), as Payara gives it from
 * create-resource-adapter-config. Not a container test (no pool, no JTA): it proves the RAR is complete and its
 * descriptor is consistent.
 */
class ResourceAdapterIT {

    private static final Path RAR = Path.of(System.getProperty("satp.rar", "../rar/target/artemis-ra.rar"));

    private static final String ARTEMIS = System.getProperty("artemis.version", "2.53.0");

    private static BrokerProcess broker;
    private static URLClassLoader rarLoader;
    private static Document raXml;
    private static List<String> rarEntries;

    @BeforeAll
    static void setUp() throws Exception {
        assertTrue(Files.isRegularFile(RAR), "RAR not built: run 'mvn verify' from the root: " + RAR);
        Path dir = BrokerProcess.freshDir("rar-unpacked");
        List<URL> jars = new ArrayList<>();
        rarEntries = new ArrayList<>();
        try (ZipFile zip = new ZipFile(RAR.toFile())) {
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                rarEntries.add(e.getName());
                if (e.getName().endsWith(".jar") && !e.getName().contains("/")) {
                    Path jar = dir.resolve(e.getName());
                    try (InputStream in = zip.getInputStream(e)) {
                        Files.copy(in, jar);
                    }
                    jars.add(jar.toUri().toURL());
                }
            }
            try (InputStream in = zip.getInputStream(zip.getEntry("META-INF/ra.xml"))) {
                DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
                f.setNamespaceAware(true);
                raXml = f.newDocumentBuilder().parse(in);
            }
        }
        ClassLoader serverApis = new ClassLoader("server-apis", ClassLoader.getPlatformClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                if (name.startsWith("jakarta.")) {
                    return ResourceAdapterIT.class.getClassLoader().loadClass(name);
                }
                throw new ClassNotFoundException(name);
            }
        };
        rarLoader = new URLClassLoader("rar", jars.toArray(URL[]::new), serverApis);
        broker = BrokerProcess.start(BrokerProcess.freshDir("rar-data"), BrokerProcess.freePort(), "rar");
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (broker != null) {
            broker.close();
        }
        // rarLoader is not closed: the client's Netty threads wind down after the tests and still load classes
    }

    @Test
    void rarHoldsClientJarsButNoServerApis() {
        List<String> jars = rarEntries.stream().filter(n -> n.endsWith(".jar")).sorted().toList();
        System.out.println("[rar] " + jars.size() + " jars: " + jars);
        assertTrue(jars.contains("artemis-jakarta-ra-" + ARTEMIS + ".jar"));
        assertTrue(jars.contains("artemis-jakarta-client-" + ARTEMIS + ".jar"));
        assertTrue(jars.contains("artemis-core-client-" + ARTEMIS + ".jar"));
        assertTrue(jars.contains("slf4j-jdk14-2.0.17.jar"), "an SLF4J provider, or the RA logs nothing");
        for (String api : List.of("jakarta.jms-api", "jakarta.resource-api", "jakarta.transaction-api",
                "jakarta.json-api", "jakarta.annotation-api")) {
            assertFalse(jars.stream().anyMatch(j -> j.startsWith(api)), api + " must come from the server");
        }
        assertFalse(jars.stream().anyMatch(j -> j.startsWith("artemis-ra")), "no empty module jar");
    }

    @Test
    void descriptorNamesExistingClassesOfTheRightKind() throws Exception {
        assertKind("resourceadapter-class", ResourceAdapter.class);
        assertKind("managedconnectionfactory-class", ManagedConnectionFactory.class);
        assertKind("connectionfactory-impl-class", load(text("connectionfactory-interface")));
        assertKind("connection-impl-class", load(text("connection-interface")));
        assertKind("activationspec-class", ActivationSpec.class);
        assertEquals(MessageListener.class, load(text("messagelistener-type")));
        assertEquals(ConnectionFactory.class, load(text("connectionfactory-interface")));
        assertEquals("XATransaction", text("transaction-support"));
        assertEquals("2.1", raXml.getDocumentElement().getAttribute("version"));
        assertEquals(ARTEMIS, text("resourceadapter-version"));
        // the broker user is a setting without default; its password is marked confidential
        Element user = configProperty("UserName");
        Element password = configProperty("Password");
        assertEquals(0, user.getElementsByTagNameNS("*", "config-property-value").getLength(), "no default user");
        assertEquals(0, password.getElementsByTagNameNS("*", "config-property-value").getLength(), "no default password");
        assertEquals("true", child(password, "config-property-confidential"));
        // each declared property has a setter of the declared type and a getter of the same type
        // (Payara rejects or ignores a property whose getter and setter types differ)
        Class<?> ra = rarLoader.loadClass(text("resourceadapter-class"));
        for (Element p : configProperties()) {
            String name = child(p, "config-property-name");
            Class<?> type = Class.forName(child(p, "config-property-type"));
            ra.getMethod("set" + name, type);
            Method getter = ra.getMethod("get" + name);
            assertEquals(type, getter.getReturnType(), "getter type of " + name);
        }
    }

    /** Without the adapter's user the broker takes no connection: there is no anonymous access to fall back on. */
    @Test
    void outboundConnectionWithoutTheBrokerUserIsRefused() throws Exception {
        withRarContext(() -> {
            ResourceAdapter ra = startedResourceAdapter(false);
            try {
                ManagedConnectionFactory mcf = (ManagedConnectionFactory) rarLoader
                        .loadClass(text("managedconnectionfactory-class")).getDeclaredConstructor().newInstance();
                ((ResourceAdapterAssociation) mcf).setResourceAdapter(ra);
                ConnectionFactory cf = (ConnectionFactory) mcf.createConnectionFactory();
                // the adapter's connection reaches the broker when its first session is made
                JMSSecurityException e = assertThrows(JMSSecurityException.class, () -> {
                    try (Connection c = cf.createConnection()) {
                        c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                    }
                });
                System.out.println("[rar] without UserName/Password: " + e + " / cause " + e.getCause());
            } finally {
                ra.stop();
            }
        });
    }

    @Test
    void outboundConnectionFactorySendsAndReceives() throws Exception {
        withRarContext(() -> {
            ResourceAdapter ra = startedResourceAdapter();
            try {
                ManagedConnectionFactory mcf = (ManagedConnectionFactory) rarLoader
                        .loadClass(text("managedconnectionfactory-class")).getDeclaredConstructor().newInstance();
                ((ResourceAdapterAssociation) mcf).setResourceAdapter(ra);
                // no ConnectionManager: the RA's own non-managed one (in Payara: the connector pool)
                ConnectionFactory cf = (ConnectionFactory) mcf.createConnectionFactory();
                assertEquals(text("connectionfactory-impl-class"), cf.getClass().getName());
                try (Connection c = cf.createConnection()) {
                    c.start();
                    Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                    Queue q = s.createQueue("satp.inbound");
                    s.createProducer(q).send(s.createTextMessage("through the RA"));
                    TextMessage m = (TextMessage) s.createConsumer(q).receive(5000);
                    assertNotNull(m);
                    assertEquals("through the RA", m.getText());
                }
            } finally {
                ra.stop();
            }
        });
    }

    @Test
    void inboundActivationDeliversToListener() throws Exception {
        withRarContext(() -> {
            ResourceAdapter ra = startedResourceAdapter();
            BlockingQueue<String> received = new LinkedBlockingQueue<>();
            ActivationSpec spec = (ActivationSpec) rarLoader.loadClass(text("activationspec-class"))
                    .getDeclaredConstructor().newInstance();
            invoke(spec, "setDestination", String.class, "satp.outbound");
            invoke(spec, "setDestinationType", String.class, "jakarta.jms.Queue");
            invoke(spec, "setUseJNDI", Boolean.class, false);
            invoke(spec, "setSetupAttempts", Integer.class, -1);
            invoke(spec, "setSetupInterval", Long.class, 2000L);
            spec.setResourceAdapter(ra);
            spec.validate();
            // the activation names no user: it takes the adapter's (the MDBs' case), and the broker lets only users in
            assertEquals("gateway", spec.getClass().getMethod("getUser").invoke(spec));
            MessageEndpointFactory mef = endpointFactory(received);
            ra.endpointActivation(mef, spec);
            try (ActiveMQConnectionFactory plain = broker.factory("gateway");
                 Connection c = plain.createConnection()) {
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                s.createProducer(s.createQueue("satp.outbound")).send(s.createTextMessage("to the MDB"));
                assertEquals("to the MDB", received.poll(15, TimeUnit.SECONDS));
            } finally {
                ra.endpointDeactivation(mef, spec);
                ra.stop();
            }
        });
    }

    // ---- helpers ----

    private ResourceAdapter startedResourceAdapter() throws Exception {
        return startedResourceAdapter(true);
    }

    /** The adapter with ra.xml's settings, the test broker's port and (or not) the gateway's broker user. */
    private ResourceAdapter startedResourceAdapter(boolean withUser) throws Exception {
        ResourceAdapter ra = (ResourceAdapter) rarLoader.loadClass(text("resourceadapter-class"))
                .getDeclaredConstructor().newInstance();
        for (Element p : configProperties()) {
            String name = child(p, "config-property-name");
            String value = switch (name) {
                case "UserName" -> withUser ? "gateway" : null;
                case "Password" -> withUser ? BrokerProcess.PASSWORDS.get("gateway") : null;
                // the test broker's free port
                case "ConnectionParameters" -> child(p, "config-property-value").replace("port=61616", "port=" + broker.port);
                default -> child(p, "config-property-value");
            };
            if (value != null) {
                invoke(ra, "set" + name, Class.forName(child(p, "config-property-type")), value);
            }
        }
        ra.start(bootstrapContext());
        return ra;
    }

    /** A BootstrapContext whose WorkManager runs each Work on a new thread (what the RA uses it for). */
    private static BootstrapContext bootstrapContext() {
        WorkManager wm = (WorkManager) Proxy.newProxyInstance(ResourceAdapterIT.class.getClassLoader(),
                new Class<?>[] {WorkManager.class}, (proxy, method, args) -> {
                    if (method.getName().endsWith("Work")) {
                        Work w = (Work) args[0];
                        Thread t = new Thread(w, "ra-work");
                        t.setContextClassLoader(rarLoader);
                        t.start();
                        if (method.getName().equals("doWork")) {
                            t.join();
                        }
                        return method.getReturnType() == long.class ? 0L : null;
                    }
                    return defaultValue(method);
                });
        return (BootstrapContext) Proxy.newProxyInstance(ResourceAdapterIT.class.getClassLoader(),
                new Class<?>[] {BootstrapContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getWorkManager" -> wm;
                    case "createTimer" -> new java.util.Timer(true);
                    case "isContextSupported" -> false;
                    default -> defaultValue(method);
                });
    }

    private static MessageEndpointFactory endpointFactory(BlockingQueue<String> received) {
        return (MessageEndpointFactory) Proxy.newProxyInstance(ResourceAdapterIT.class.getClassLoader(),
                new Class<?>[] {MessageEndpointFactory.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "createEndpoint" -> Proxy.newProxyInstance(ResourceAdapterIT.class.getClassLoader(),
                            new Class<?>[] {MessageEndpoint.class, MessageListener.class}, (p, m, a) -> {
                                if (m.getName().equals("onMessage")) {
                                    received.add(((TextMessage) (Message) a[0]).getText());
                                }
                                return defaultValue(m);
                            });
                    case "isDeliveryTransacted" -> false;
                    case "getActivationName" -> "satp-test-mdb";
                    case "getEndpointClass" -> Object.class;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "test-endpoint-factory";
                    default -> defaultValue(method);
                });
    }

    private static Object defaultValue(Method m) {
        Class<?> t = m.getReturnType();
        if (t == boolean.class) {
            return false;
        }
        if (t == int.class) {
            return 0;
        }
        if (t == long.class) {
            return 0L;
        }
        return null;
    }

    interface Body {
        void run() throws Exception;
    }

    private static void withRarContext(Body body) throws Exception {
        Thread current = Thread.currentThread();
        ClassLoader previous = current.getContextClassLoader();
        current.setContextClassLoader(rarLoader);
        try {
            body.run();
        } finally {
            current.setContextClassLoader(previous);
        }
    }

    private static void invoke(Object target, String setter, Class<?> type, Object value) throws Exception {
        Object arg = value;
        if (value instanceof String s && type != String.class) {
            arg = type.getMethod("valueOf", String.class).invoke(null, s);
        }
        target.getClass().getMethod(setter, type).invoke(target, arg);
    }

    private static void assertKind(String element, Class<?> expected) throws Exception {
        Class<?> c = load(text(element));
        assertTrue(expected.isAssignableFrom(c), element + " " + c.getName() + " is a " + expected.getName());
    }

    private static Class<?> load(String name) throws ClassNotFoundException {
        return Class.forName(name, true, rarLoader);
    }

    private static String text(String element) {
        NodeList nodes = raXml.getElementsByTagNameNS("*", element);
        assertEquals(1, nodes.getLength(), "one <" + element + "> in ra.xml");
        return nodes.item(0).getTextContent().trim();
    }

    /** The resource adapter's own config-property elements (direct children of resourceadapter). */
    private static List<Element> configProperties() {
        Element ra = (Element) raXml.getElementsByTagNameNS("*", "resourceadapter").item(0);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < ra.getChildNodes().getLength(); i++) {
            if (ra.getChildNodes().item(i) instanceof Element e && e.getLocalName().equals("config-property")) {
                out.add(e);
            }
        }
        return out;
    }

    private static Element configProperty(String name) {
        return configProperties().stream().filter(p -> child(p, "config-property-name").equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("ra.xml declares no config-property " + name));
    }

    private static String child(Element parent, String name) {
        return parent.getElementsByTagNameNS("*", name).item(0).getTextContent().trim();
    }
}
