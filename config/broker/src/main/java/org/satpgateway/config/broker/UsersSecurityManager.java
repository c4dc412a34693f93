package org.satpgateway.config.broker;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import javax.security.auth.Subject;

import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager5;
import org.apache.activemq.artemis.spi.core.security.jaas.RolePrincipal;
import org.apache.activemq.artemis.spi.core.security.jaas.UserPrincipal;
import org.apache.activemq.artemis.utils.PasswordMaskingUtil;

/**
 * The broker's security manager: a connection authenticates as a user of the users file ({@link BrokerUsers}) and may
 * do what broker.xml's security-settings grant to that user's roles. The authenticated user becomes the connection's
 * validated user, which the broker stamps on the messages it sends (populate-validated-user).
 */
final class UsersSecurityManager implements ActiveMQSecurityManager5 {

    private final Map<String, BrokerUsers.User> users;

    UsersSecurityManager(List<BrokerUsers.User> users) {
        this.users = users.stream().collect(Collectors.toUnmodifiableMap(BrokerUsers.User::name, Function.identity()));
    }

    /** The user with its roles when the password is right; null otherwise (no user, no default user). */
    @Override
    public Subject authenticate(String user, String password, RemotingConnection connection, String securityDomain) {
        BrokerUsers.User u = user == null ? null : users.get(user);
        if (u == null || password == null || !matches(password, u.password())) {
            return null;
        }
        Subject subject = new Subject();
        subject.getPrincipals().add(new UserPrincipal(u.name()));
        u.roles().forEach(r -> subject.getPrincipals().add(new RolePrincipal(r)));
        subject.setReadOnly();
        return subject;
    }

    /** True when one of the subject's roles is granted {@code checkType} by the roles matching the address. */
    @Override
    public boolean authorize(Subject subject, Set<Role> roles, CheckType checkType, String address) {
        if (subject == null || roles == null) {
            return false;
        }
        Set<String> held = subject.getPrincipals(RolePrincipal.class).stream().map(Principal::getName)
                .collect(Collectors.toSet());
        return roles.stream().anyMatch(r -> held.contains(r.getName()) && checkType.hasRole(r));
    }

    @Override
    public boolean validateUser(String user, String password) {
        return authenticate(user, password, null, null) != null;
    }

    @Override
    public boolean validateUserAndRole(String user, String password, Set<Role> roles, CheckType checkType) {
        return authorize(authenticate(user, password, null, null), roles, checkType, null);
    }

    /** A password in clear is compared in constant time; an ENC(...) one by Artemis' one-way hash. */
    private static boolean matches(String given, String stored) {
        if (PasswordMaskingUtil.isEncMasked(stored)) {
            return PasswordMaskingUtil.getHashProcessor(stored).compare(given.toCharArray(), stored);
        }
        return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), stored.getBytes(StandardCharsets.UTF_8));
    }
}
