package org.satpgateway.config.broker;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.apache.activemq.artemis.utils.PasswordMaskingUtil;

/**
 * The broker's users and their roles, read from the users file ({@code -Dsatp.broker.users}). A properties file:
 *
 * <pre>
 * user.&lt;name&gt;=&lt;password&gt;          the password in clear, at least 12 characters, or ENC(...) (BrokerMain --hash-password)
 * roles.&lt;name&gt;=&lt;role&gt;[,&lt;role&gt;...]  the roles of broker.xml's security-settings: gateway, back-office, operator
 * </pre>
 *
 * Every user needs a roles line and every roles line a user; any other key is refused. The file must be a regular
 * file that neither its group nor others may read, write or execute (mode 600 or 400).
 */
final class BrokerUsers {

    /** A user of the broker; {@code password} is in clear or {@code ENC(...)}, a one-way hash. */
    record User(String name, String password, List<String> roles) {
        @Override
        public String toString() {
            return name + " " + roles;
        }
    }

    /** Shortest password accepted in clear (a hashed one cannot be checked). */
    static final int MIN_PASSWORD_LENGTH = 12;

    private static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    /** What Artemis' one-way codec writes inside ENC(...): iterations:salt:hash, hexadecimal. */
    private static final Pattern HASH = Pattern.compile("[1-9][0-9]*:[0-9a-fA-F]+:[0-9a-fA-F]+");

    private BrokerUsers() {
    }

    /** Reads and checks the users file; an {@link IllegalArgumentException} says what is wrong with it. */
    static List<User> load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("users file " + file + " does not exist or is not a regular file");
        }
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, PosixFileAttributes.class);
        } catch (UnsupportedOperationException e) {
            throw new IllegalArgumentException("users file " + file + ": its permissions cannot be checked here (no POSIX file system)");
        }
        Set<PosixFilePermission> tooOpen = EnumSet.noneOf(PosixFilePermission.class);
        tooOpen.addAll(attributes.permissions());
        tooOpen.removeAll(OWNER_ONLY);
        if (!tooOpen.isEmpty()) {
            throw new IllegalArgumentException("users file " + file + " is open to its group or others (" + tooOpen
                    + "): it holds passwords, make it the owner's only (chmod 600)");
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        }
        return parse(p, file.toString());
    }

    static List<User> parse(Properties p, String source) {
        Map<String, String> passwords = new LinkedHashMap<>();
        Map<String, List<String>> roles = new LinkedHashMap<>();
        for (String key : new TreeSet<>(p.stringPropertyNames())) {
            String value = p.getProperty(key).strip();
            if (key.startsWith("user.")) {
                passwords.put(name(key, "user.", source), password(key, value, source));
            } else if (key.startsWith("roles.")) {
                List<String> list = new ArrayList<>();
                for (String role : value.split(",")) {
                    String r = role.strip();
                    if (!NAME.matcher(r).matches()) {
                        throw new IllegalArgumentException(source + ": " + key + " names no valid role: '" + value + "'");
                    }
                    list.add(r);
                }
                roles.put(name(key, "roles.", source), List.copyOf(list));
            } else {
                throw new IllegalArgumentException(source + ": unknown key '" + key + "' (only user.<name> and roles.<name>)");
            }
        }
        if (passwords.isEmpty()) {
            throw new IllegalArgumentException(source + " names no user");
        }
        List<User> users = new ArrayList<>();
        for (Map.Entry<String, String> e : passwords.entrySet()) {
            List<String> r = roles.remove(e.getKey());
            if (r == null) {
                throw new IllegalArgumentException(source + ": user " + e.getKey() + " has no roles.<name> line");
            }
            users.add(new User(e.getKey(), e.getValue(), r));
        }
        if (!roles.isEmpty()) {
            throw new IllegalArgumentException(source + ": roles for unknown users " + roles.keySet());
        }
        return List.copyOf(users);
    }

    /** {@code ENC(...)}: the one-way hash of a password, as the users file takes it. */
    static String hash(String password) throws Exception {
        return PasswordMaskingUtil.getHashProcessor().hash(password);
    }

    private static String name(String key, String prefix, String source) {
        String name = key.substring(prefix.length());
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(source + ": '" + key + "' is not a valid user name");
        }
        return name;
    }

    private static String password(String key, String value, String source) {
        if (PasswordMaskingUtil.isEncMasked(value)) {
            if (!HASH.matcher(PasswordMaskingUtil.unwrap(value)).matches()) {
                throw new IllegalArgumentException(source + ": " + key + " is not a hash made by --hash-password");
            }
        } else if (value.length() < MIN_PASSWORD_LENGTH) {
            throw new IllegalArgumentException(source + ": the password of " + key + " is shorter than "
                    + MIN_PASSWORD_LENGTH + " characters");
        }
        return value;
    }
}
