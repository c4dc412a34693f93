package org.satpgateway.launcher;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The embedded default with both gateways' logs in one PostgreSQL server instead of H2, one database each
 * ({@code satplog_g1}, {@code satplog_g2}): the first start's pre-boot file is
 * {@code config/payara/preboot-first-postgres.asadmin} with the server's address filled in, and the JDBC driver is
 * given to Payara Micro with {@code --addlibs} on every start.
 */
public final class PostgresLog {
    private PostgresLog() {}

    /** The options with the driver added to every gateway start. */
    public static Embedded.Options options(Embedded.Options o, Path driver) {
        List<String> extra = new ArrayList<>(o.extraArgs());
        extra.addAll(List.of("--addlibs", driver.toString()));
        return o.withExtraArgs(extra);
    }

    /** Creates both databases and points each gateway's first start (and its backups') at its own. */
    public static void use(Embedded embedded, Layout layout, Postgres pg) throws IOException, SQLException {
        Path work = embedded.options().workDir().toAbsolutePath();
        for (GatewayNode g : List.of(embedded.g1(), embedded.g2())) {
            String database = "satplog_" + g.name().toLowerCase(java.util.Locale.ROOT);
            pg.createDatabase(database);
            Path file = preboot(layout, pg, database, work.resolve("preboot-" + database + ".asadmin"));
            g.firstPreboot(file);
            embedded.backups().forEach((backup, of) -> {
                if (of == g) {
                    backup.firstPreboot(file); // a backup shares the log of the gateway it backs up
                }
            });
        }
    }

    /** {@code config/payara/preboot-first-postgres.asadmin} for one database, written to {@code to}. */
    public static Path preboot(Layout layout, Postgres pg, String database, Path to) throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("PG_HOST", pg.host());
        values.put("PG_PORT", Integer.toString(pg.port()));
        values.put("PG_DATABASE", database);
        values.put("PG_USER", pg.user());
        values.put("PG_PASSWORD", pg.password());
        Matcher m = Pattern.compile("@([A-Z_]+)@").matcher(Files.readString(layout.payaraCommands("preboot-first-postgres.asadmin")));
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            if (v == null) {
                throw new IllegalArgumentException("no value for " + m.group());
            }
            // asadmin property lists separate with ':' and '='
            m.appendReplacement(out, Matcher.quoteReplacement(v.replace(":", "\\:").replace("=", "\\=")));
        }
        m.appendTail(out);
        return Files.writeString(to, out);
    }

    /** The PostgreSQL JDBC driver the launcher was built with (config/launcher/target/lib). */
    public static Path driver(Layout layout) throws IOException {
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(layout.root().resolve("config/launcher/target/lib"),
                "postgresql-*.jar")) {
            for (Path jar : jars) {
                return jar;
            }
        }
        throw new IllegalStateException("no PostgreSQL driver in config/launcher/target/lib: build the launcher first");
    }
}
