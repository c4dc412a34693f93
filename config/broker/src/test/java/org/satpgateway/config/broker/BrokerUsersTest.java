package org.satpgateway.config.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import javax.security.auth.Subject;

import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerUsersTest {

    private static final String GOOD = """
            user.gateway=gateway-password-1
            roles.gateway=gateway
            user.back-office=back-office-password
            roles.back-office=back-office, operator
            """;

    @Test
    void readsUsersAndTheirRoles() {
        List<BrokerUsers.User> users = BrokerUsers.parse(props(GOOD), "test");
        assertEquals(List.of(new BrokerUsers.User("back-office", "back-office-password", List.of("back-office", "operator")),
                new BrokerUsers.User("gateway", "gateway-password-1", List.of("gateway"))), users);
    }

    @Test
    void refusesWhatItDoesNotUnderstand() {
        assertRefused("", "names no user");
        assertRefused("user.gateway=gateway-password-1\n", "has no roles.<name> line");
        assertRefused(GOOD + "roles.nobody=gateway\n", "roles for unknown users [nobody]");
        assertRefused(GOOD + "password.gateway=x\n", "unknown key 'password.gateway'");
        assertRefused("user.gateway=short\nroles.gateway=gateway\n", "shorter than 12 characters");
        assertRefused("user.gateway=gateway-password-1\nroles.gateway=\n", "names no valid role");
        assertRefused("user.gateway=ENC(not-a-hash)\nroles.gateway=gateway\n", "not a hash");
        assertRefused("user.gate/way=gateway-password-1\nroles.gate/way=gateway\n", "not a valid user name");
    }

    /** ENC(...) is a one-way hash: the broker takes the password it was made from, and no other. */
    @Test
    void aHashedPasswordIsComparedByItsHash() throws Exception {
        String hash = BrokerUsers.hash("a long enough password");
        assertTrue(hash.startsWith("ENC(") && !hash.contains("a long enough password"), hash);
        List<BrokerUsers.User> users = BrokerUsers.parse(props("user.operator=" + hash + "\nroles.operator=operator\n"), "test");
        UsersSecurityManager manager = new UsersSecurityManager(users);
        assertTrue(manager.validateUser("operator", "a long enough password"));
        assertFalse(manager.validateUser("operator", "another password"));
        assertFalse(manager.validateUser("operator", hash));
        assertFalse(manager.validateUser(null, null), "no default user");
    }

    /** The subject names the user (the validated user the broker stamps on messages) and its roles. */
    @Test
    void authorisesByTheUsersRoles() {
        UsersSecurityManager manager = new UsersSecurityManager(BrokerUsers.parse(props(GOOD), "test"));
        Subject subject = manager.authenticate("back-office", "back-office-password", null, null);
        assertEquals("back-office", manager.getUserFromSubject(subject));
        Set<Role> jobs = Set.of(new Role("back-office", true, false, false, false, false, false, false, false, false, false, false, false),
                new Role("gateway", false, true, false, false, false, false, false, false, false, false, false, false));
        assertTrue(manager.authorize(subject, jobs, CheckType.SEND, "satp.jobs"));
        assertFalse(manager.authorize(subject, jobs, CheckType.CONSUME, "satp.jobs"));
        assertFalse(manager.authorize(manager.authenticate("gateway", "gateway-password-1", null, null), jobs, CheckType.SEND, "satp.jobs"));
        assertEquals(null, manager.authenticate("gateway", "back-office-password", null, null), "another user's password");
        assertEquals(null, manager.authenticate("nobody", "back-office-password", null, null));
    }

    @Test
    void theFileMustBeTheOwnersOnly(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("users.properties");
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> BrokerUsers.load(file));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
        Files.writeString(file, GOOD);
        for (String mode : List.of("rw-r--r--", "rw-r-----", "rw-----w-", "rwx--x---")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
            IllegalArgumentException open = assertThrows(IllegalArgumentException.class, () -> BrokerUsers.load(file), mode);
            assertTrue(open.getMessage().contains("open to its group or others"), open.getMessage());
        }
        for (String mode : List.of("rw-------", "r--------")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
            assertEquals(2, BrokerUsers.load(file).size(), mode);
        }
    }

    private static void assertRefused(String text, String reason) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BrokerUsers.parse(props(text), "test"));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    private static Properties props(String text) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return p;
    }
}
