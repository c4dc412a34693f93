package org.satpgateway.launcher;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the built pieces are, relative to the repository root: the micro WAR and Payara Micro (target/dist of this
 * module), the broker launcher, the resource adapter and the server command files under config/.
 */
public record Layout(Path root) {

    /** The layout of the repository this launcher jar was built in (config/launcher/target/satp-launcher.jar). */
    public static Layout ofRunningJar() {
        String override = System.getProperty("satp.repository");
        if (override != null) {
            return new Layout(Path.of(override).toAbsolutePath().normalize());
        }
        try {
            Path jar = Path.of(Layout.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // .../config/launcher/target/satp-launcher.jar or .../config/launcher/target/classes
            return new Layout(jar.getParent().getParent().getParent().getParent().toAbsolutePath().normalize());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path payaraMicro() {
        return root.resolve("config/launcher/target/dist/payara-micro.jar");
    }

    public Path war() {
        return root.resolve("config/launcher/target/dist/satp-gateway-web.war");
    }

    public Path rar() {
        return root.resolve("config/rar/target/artemis-ra.rar");
    }

    public Path brokerJar() {
        return root.resolve("config/broker/target/satp-broker.jar");
    }

    public Path brokerXml() {
        return root.resolve("config/broker/src/main/broker/broker.xml");
    }

    public Path payaraCommands(String name) {
        return root.resolve("config/payara").resolve(name);
    }

    /** Fails with the build command when something is missing. */
    public Layout check() {
        for (Path p : new Path[] {payaraMicro(), war(), rar(), brokerJar(), brokerXml()}) {
            if (!Files.isRegularFile(p)) {
                throw new IllegalStateException(p + " is missing: build first with "
                        + "mvn -B -q -DskipTests -pl config/launcher -am package (from " + root + ")");
            }
        }
        return this;
    }
}
