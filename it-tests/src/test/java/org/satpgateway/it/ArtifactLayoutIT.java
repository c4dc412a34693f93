package org.satpgateway.it;

import static java.util.stream.Collectors.groupingBy;
import static java.util.stream.Collectors.mapping;
import static java.util.stream.Collectors.toList;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Opens the archives the build produced (the EAR for Payara Server, the standalone WAR for Payara Micro) and checks
 * that each holds our classes and the runtime libraries exactly once.
 */
class ArtifactLayoutIT {

    private static final String EJB_JAR = "satp-gateway-ejb";
    private static final List<String> RUNTIME_LIBRARIES = List.of(
            "jackson-databind", "jackson-core", "jackson-annotations", "java-json-canonicalization",
            "nimbus-jose-jwt", "bcprov-jdk18on", "bcpkix-jdk18on");
    private static final List<String> THIRD_PARTY_PREFIXES = List.of(
            "jackson-", "java-json-canonicalization", "nimbus-", "bcprov-", "bcpkix-", "bcutil-");

    private static String projectVersion;
    private static List<Item> ear;
    private static List<Item> microWar;

    @BeforeAll
    static void readArchives() throws IOException {
        projectVersion = requiredProperty("project.version");
        ear = Item.readAll(Path.of(requiredProperty("satp.ear")));
        microWar = Item.readAll(Path.of(requiredProperty("satp.microWar")));
    }

    // ---- EAR (Payara Server) ---------------------------------------------------------------------------------

    @Test
    void earHoldsTheEjbModuleExactlyOnceAtItsTopLevel() {
        List<Item> ejbJars = archivesNamed(ear, EJB_JAR);
        assertEquals(1, ejbJars.size(), () -> "ejb jars in the EAR: " + ejbJars);
        assertEquals(List.of("satp-gateway-ejb.jar"), ejbJars.get(0).chain());
        assertFalse(ejbClasses(ear, ejbJars.get(0)).isEmpty(), "the ejb jar holds no org/satpgateway/core class");
    }

    @Test
    void webModuleInsideTheEarIsSkinny() {
        List<Item> wars = ear.stream().filter(i -> i.depth() == 1 && i.name().endsWith(".war")).toList();
        assertEquals(List.of("satp-gateway-web.war"), wars.stream().map(Item::name).toList());
        String war = wars.get(0).name();
        List<Item> inWar = ear.stream().filter(i -> i.depth() > 1 && i.chain().get(0).equals(war)).toList();
        List<String> ejbClassNames = ejbClasses(ear, archivesNamed(ear, EJB_JAR).get(0)).stream()
                .map(Item::className).toList();
        List<String> earLibraries = ear.stream()
                .filter(i -> i.depth() == 1 && i.name().startsWith("lib/")).map(Item::fileName).toList();

        assertAll(
                () -> assertTrue(inWar.stream().anyMatch(
                        i -> i.name().equals("WEB-INF/classes/org/satpgateway/web/VersionResource.class")),
                        "the web module's own classes are missing"),
                () -> assertEquals(List.of(), inWar.stream()
                        .filter(i -> i.name().startsWith("WEB-INF/classes/org/satpgateway/core/")
                                || i.className() != null && i.className().startsWith("org/satpgateway/core/"))
                        .toList(), "core classes inside the EAR's WAR"),
                () -> assertEquals(List.of(), inWar.stream()
                        .filter(i -> ejbClassNames.contains(i.className())).toList(), "EJB classes inside the EAR's WAR"),
                () -> assertEquals(List.of(), inWar.stream()
                        .filter(i -> i.depth() == 2 && i.isArchive()
                                && (i.fileName().startsWith(EJB_JAR) || startsWithAny(i.fileName(), THIRD_PARTY_PREFIXES)
                                    || earLibraries.contains(i.fileName())))
                        .toList(), "jars inside the EAR's WAR that the EAR already holds"),
                () -> assertVersionProperties(ear, war));
    }

    @Test
    void earLibFolderHoldsTheRuntimeLibrariesAndNoJakartaApi() {
        List<String> libraries = ear.stream()
                .filter(i -> i.depth() == 1 && i.name().startsWith("lib/") && i.isArchive())
                .map(i -> artifactName(i.fileName())).toList();
        assertAll(
                () -> assertTrue(libraries.containsAll(RUNTIME_LIBRARIES),
                        () -> "lib/ holds " + libraries + ", expected at least " + RUNTIME_LIBRARIES),
                () -> assertEquals(List.of(), libraries.stream().filter(n -> n.startsWith("jakarta.")).toList(),
                        "the server provides the Jakarta APIs"));
    }

    @Test
    void earDescriptorIsJakartaEe10WithTheWebModuleAtTheRoot() throws Exception {
        Item descriptor = ear.stream().filter(i -> i.chain().equals(List.of("META-INF/application.xml")))
                .findFirst().orElseThrow(() -> new AssertionError("no META-INF/application.xml"));
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document document = factory.newDocumentBuilder().parse(new ByteArrayInputStream(descriptor.content()));
        Element root = document.getDocumentElement();
        assertEquals("10", root.getAttribute("version"));
        assertEquals("/", document.getElementsByTagNameNS("*", "context-root").item(0).getTextContent().trim());
        assertEquals("satp-gateway-web.war",
                document.getElementsByTagNameNS("*", "web-uri").item(0).getTextContent().trim());
        assertEquals("satp-gateway-ejb.jar",
                document.getElementsByTagNameNS("*", "ejb").item(0).getTextContent().trim());
    }

    @Test
    void earHoldsEachOfOurClassesAndEachLibraryAtMostOnce() {
        assertNoDuplicates(ear);
    }

    // ---- standalone WAR (Payara Micro) ----------------------------------------------------------------------

    @Test
    void microWarHoldsTheEjbJarExactlyOnceInWebInfLib() {
        List<Item> ejbJars = archivesNamed(microWar, EJB_JAR);
        assertEquals(1, ejbJars.size(), () -> "ejb jars in the micro WAR: " + ejbJars);
        Item ejbJar = ejbJars.get(0);
        assertEquals(1, ejbJar.depth());
        assertTrue(ejbJar.name().startsWith("WEB-INF/lib/"), ejbJar::toString);
        assertFalse(ejbClasses(microWar, ejbJar).isEmpty(), "the ejb jar holds no org/satpgateway/core class");
        assertEquals(List.of(), microWar.stream()
                .filter(i -> i.name().startsWith("WEB-INF/classes/org/satpgateway/core/")).toList(),
                "core classes must come from the ejb jar only");
    }

    @Test
    void microWarHoldsTheRuntimeLibrariesAndNoJakartaApi() {
        List<String> libraries = microWar.stream()
                .filter(i -> i.depth() == 1 && i.name().startsWith("WEB-INF/lib/") && i.isArchive())
                .map(i -> artifactName(i.fileName())).toList();
        assertAll(
                () -> assertTrue(libraries.containsAll(RUNTIME_LIBRARIES),
                        () -> "WEB-INF/lib holds " + libraries + ", expected at least " + RUNTIME_LIBRARIES),
                () -> assertEquals(List.of(), libraries.stream().filter(n -> n.startsWith("jakarta.")).toList(),
                        "the server provides the Jakarta APIs"),
                () -> assertTrue(microWar.stream().anyMatch(
                        i -> i.name().equals("WEB-INF/classes/org/satpgateway/web/VersionResource.class")),
                        "the web module's own classes are missing"),
                () -> assertVersionProperties(microWar, null));
    }

    @Test
    void microWarHoldsEachOfOurClassesAndEachLibraryAtMostOnce() {
        assertNoDuplicates(microWar);
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    /** Each org/satpgateway class and each library jar (by artifact name, any version) at most once in the archive. */
    private static void assertNoDuplicates(List<Item> archive) {
        Map<String, List<String>> classes = archive.stream()
                .filter(i -> i.className() != null && i.className().startsWith("org/satpgateway/"))
                .collect(groupingBy(Item::className, TreeMap::new, mapping(Item::toString, toList())));
        Map<String, List<String>> jars = archive.stream()
                .filter(i -> i.name().endsWith(".jar"))
                .collect(groupingBy(i -> artifactName(i.fileName()), TreeMap::new, mapping(Item::toString, toList())));
        assertFalse(classes.isEmpty(), "no org/satpgateway class found at all");
        assertAll(
                () -> assertEquals(Map.of(), duplicatesOf(classes), "classes found more than once"),
                () -> assertEquals(Map.of(), duplicatesOf(jars), "jars found more than once"));
    }

    private static void assertVersionProperties(List<Item> archive, String war) throws IOException {
        List<String> expected = war == null
                ? List.of("WEB-INF/classes/org/satpgateway/web/version.properties")
                : List.of(war, "WEB-INF/classes/org/satpgateway/web/version.properties");
        Item item = archive.stream().filter(i -> i.chain().equals(expected)).findFirst()
                .orElseThrow(() -> new AssertionError("missing " + String.join("!/", expected)));
        Properties properties = new Properties();
        properties.load(new ByteArrayInputStream(item.content()));
        assertEquals("SATP Gateway", properties.getProperty("product"));
        assertEquals(projectVersion, properties.getProperty("version"), "version.properties was not filtered");
    }

    private static Map<String, List<String>> duplicatesOf(Map<String, List<String>> locations) {
        Map<String, List<String>> duplicates = new TreeMap<>(locations);
        duplicates.values().removeIf(where -> where.size() < 2);
        return duplicates;
    }

    private static List<Item> archivesNamed(List<Item> archive, String prefix) {
        return archive.stream().filter(i -> i.isArchive() && i.fileName().startsWith(prefix)).toList();
    }

    private static List<Item> ejbClasses(List<Item> archive, Item ejbJar) {
        Predicate<Item> insideEjbJar = i -> i.depth() == ejbJar.depth() + 1
                && i.chain().subList(0, ejbJar.depth()).equals(ejbJar.chain());
        return archive.stream().filter(insideEjbJar)
                .filter(i -> i.className() != null && i.className().startsWith("org/satpgateway/core/")).toList();
    }

    /** {@code jackson-databind-2.23.0.jar} becomes {@code jackson-databind}. */
    private static String artifactName(String fileName) {
        return fileName.replaceFirst("-\\d[^/]*\\.(jar|war|rar)$", "").replaceFirst("\\.(jar|war|rar)$", "");
    }

    private static boolean startsWithAny(String text, List<String> prefixes) {
        return prefixes.stream().anyMatch(text::startsWith);
    }

    private static String requiredProperty(String key) {
        String value = System.getProperty(key);
        assertNotNull(value, () -> "system property " + key + " is not set (see it-tests/pom.xml, failsafe)");
        return value;
    }

    /**
     * One file inside an archive, possibly nested: chain {@code [satp-gateway-web.war, WEB-INF/lib/x.jar, a/B.class]}.
     */
    record Item(List<String> chain, byte[] content) {

        static List<Item> readAll(Path archive) throws IOException {
            assertTrue(Files.isRegularFile(archive), () -> archive + " was not built");
            List<Item> items = new ArrayList<>();
            try (InputStream in = Files.newInputStream(archive)) {
                read(new ZipInputStream(in), List.of(), items);
            }
            return items;
        }

        /** Reads every entry; recurses into nested jar/war/rar files. Keeps the bytes of small text descriptors. */
        private static void read(ZipInputStream zip, List<String> prefix, List<Item> out) throws IOException {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                if (entry.isDirectory()) {
                    continue;
                }
                List<String> chain = new ArrayList<>(prefix);
                chain.add(entry.getName());
                String name = entry.getName();
                if (isArchive(name)) {
                    out.add(new Item(List.copyOf(chain), new byte[0]));
                    // Not closed on purpose: closing would close the enclosing stream.
                    read(new ZipInputStream(zip), chain, out);
                } else if (name.endsWith(".xml") || name.endsWith(".properties")) {
                    out.add(new Item(List.copyOf(chain), readEntry(zip)));
                } else {
                    out.add(new Item(List.copyOf(chain), new byte[0]));
                }
            }
        }

        private static byte[] readEntry(InputStream in) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            in.transferTo(bytes);
            return bytes.toByteArray();
        }

        private static boolean isArchive(String name) {
            return name.endsWith(".jar") || name.endsWith(".war") || name.endsWith(".rar");
        }

        int depth() {
            return chain.size();
        }

        /** Entry name inside its innermost archive. */
        String name() {
            return chain.get(chain.size() - 1);
        }

        String fileName() {
            String name = name();
            return name.substring(name.lastIndexOf('/') + 1);
        }

        boolean isArchive() {
            return isArchive(name());
        }

        /** Class name as the class loader sees it ({@code WEB-INF/classes/} stripped), or null if not a class. */
        String className() {
            String name = name();
            if (!name.endsWith(".class")) {
                return null;
            }
            return name.startsWith("WEB-INF/classes/") ? name.substring("WEB-INF/classes/".length()) : name;
        }

        @Override
        public String toString() {
            return String.join("!/", chain);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Item item && chain.equals(item.chain);
        }

        @Override
        public int hashCode() {
            return chain.hashCode();
        }
    }
}
