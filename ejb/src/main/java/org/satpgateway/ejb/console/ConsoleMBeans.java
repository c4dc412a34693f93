package org.satpgateway.ejb.console;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.lang.management.ManagementFactory;
import java.security.AccessController;
import java.security.Principal;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.security.auth.Subject;
import org.satpgateway.ejb.step.StepService;

/**
 * The gateway's MBeans, under the domain {@value #DOMAIN} of the platform MBean server (JConsole, VisualVM, Payara
 * Server's JMX connector): {@code type=Gateway}, {@code type=DeadLetters}, {@code type=Peer}, and one
 * {@code type=Session,name=<id>} per unfinished session (kept in step every {@link #REFRESH_MS} ms, at most
 * {@link #MAX_SESSIONS}). Their operations go through {@link OperatorConsole}, recorded with the JMX caller's name.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class ConsoleMBeans {
    private static final Logger LOG = Logger.getLogger(ConsoleMBeans.class.getName());
    /** The MBeans' domain, named after the product. */
    public static final String DOMAIN = "org.satpgateway";
    static final long REFRESH_MS = 5000;
    static final int MAX_SESSIONS = 500;

    @Resource
    private TimerService timers;

    @EJB
    private GatewayStatus status;

    @EJB
    private OperatorConsole console;

    @EJB
    private DeadLetters deadLetters;

    @EJB
    private SessionViews sessions;

    @EJB
    private Alerts alerts;

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final Set<ObjectName> sessionNames = new HashSet<>();

    @PostConstruct
    void register() {
        try {
            put(new ObjectName(DOMAIN + ":type=Gateway"), new GatewayMBean());
            put(new ObjectName(DOMAIN + ":type=DeadLetters"), new DeadLettersMBean());
            put(new ObjectName(DOMAIN + ":type=Peer"), new PeerMBean());
        } catch (JMException e) {
            LOG.log(Level.WARNING, "the gateway's MBeans are not registered", e);
        }
        timers.createIntervalTimer(5000, REFRESH_MS, new TimerConfig("session MBeans", false));
    }

    @PreDestroy
    void unregister() {
        try {
            for (ObjectName n : server.queryNames(new ObjectName(DOMAIN + ":*"), null)) {
                server.unregisterMBean(n);
            }
        } catch (JMException e) {
            LOG.log(Level.FINE, "unregistering the MBeans", e);
        }
        sessionNames.clear();
    }

    /** Registers one MBean per unfinished session and drops those of ended ones. */
    @Timeout
    synchronized void refresh() {
        try {
            Set<ObjectName> now = new HashSet<>();
            int n = 0;
            for (String state : List.of("ACTIVE", "ROLLING_BACK")) {
                for (SessionViews.SessionRow r : sessions.sessions(state, null, MAX_SESSIONS)) {
                    if (n++ >= MAX_SESSIONS) {
                        break;
                    }
                    ObjectName name = new ObjectName(DOMAIN + ":type=Session,name=" + ObjectName.quote(r.sessionId()));
                    now.add(name);
                    if (!server.isRegistered(name)) {
                        server.registerMBean(new SessionMBean(r.sessionId()), name);
                    }
                }
            }
            for (ObjectName old : sessionNames) {
                if (!now.contains(old) && server.isRegistered(old)) {
                    server.unregisterMBean(old);
                }
            }
            sessionNames.clear();
            sessionNames.addAll(now);
        } catch (JMException | RuntimeException e) {
            LOG.log(Level.FINE, "session MBeans not refreshed now", e);
        }
    }

    private void put(ObjectName name, Object bean) throws JMException {
        if (server.isRegistered(name)) {
            server.unregisterMBean(name);
        }
        server.registerMBean(bean, name);
    }

    /** Who called an MBean operation: the JMX connector's authenticated principal, else the local JVM's user. */
    static OperatorConsole.Operator caller() {
        @SuppressWarnings("removal")
        Subject subject = Subject.getSubject(AccessController.getContext());
        if (subject != null) {
            for (Principal p : subject.getPrincipals()) {
                return new OperatorConsole.Operator(p.getName(), "jmx");
            }
        }
        return new OperatorConsole.Operator("local JMX (" + System.getProperty("user.name") + ")", "jmx");
    }

    static String say(StepService.OperatorOutcome o) {
        return (o.done() ? "done" : o.found() ? "refused" : "not found") + (o.state() == null ? "" : " [" + o.state() + "]")
                + ": " + o.detail();
    }

    // ---- the MBeans ----------------------------------------------------------------------------------------------

    /** The gateway: ready or why not, intake, counts, alerts; pause and resume intake, act on a session. */
    public interface GatewayMXBean {
        boolean isReady();

        String[] getChecks();

        boolean isIntakePaused();

        String getIntakePausedBy();

        long getSessionsInFlight();

        long getSessionsCompleted();

        long getSessionsRolledBack();

        long getSessionsFailed();

        int getDeadLetters();

        String getLease();

        String[] getActiveAlerts();

        String pauseIntake();

        String resumeIntake();

        String retrySession(String sessionId);

        String forceRollback(String sessionId);

        String redriveDeadLetters();
    }

    final class GatewayMBean implements GatewayMXBean {
        @Override
        public boolean isReady() {
            return status.checks().stream().allMatch(GatewayStatus.Check::up);
        }

        @Override
        public String[] getChecks() {
            return status.checks().stream().map(c -> c.name() + ": " + (c.up() ? "UP" : "DOWN") + " - " + c.detail())
                    .toArray(String[]::new);
        }

        @Override
        public boolean isIntakePaused() {
            return status.intake().paused();
        }

        @Override
        public String getIntakePausedBy() {
            IntakeGate.State s = status.intake();
            return s.paused() ? s.by() + " since " + s.since() : null;
        }

        @Override
        public long getSessionsInFlight() {
            return status.counts().inFlight();
        }

        @Override
        public long getSessionsCompleted() {
            return status.counts().completed();
        }

        @Override
        public long getSessionsRolledBack() {
            return status.counts().rolledBack();
        }

        @Override
        public long getSessionsFailed() {
            return status.counts().failed();
        }

        @Override
        public int getDeadLetters() {
            return status.counts().deadLetters();
        }

        @Override
        public String getLease() {
            GatewayStatus.Lease l = status.lease();
            return l.instance() == null ? l.mode() : l.mode() + ": " + l.instance() + " holds it, epoch " + l.epoch();
        }

        @Override
        public String[] getActiveAlerts() {
            return alerts.active().stream().map(a -> a.severity() + " " + a.kind() + " " + a.subject() + ": " + a.message())
                    .toArray(String[]::new);
        }

        @Override
        public String pauseIntake() {
            IntakeGate.State s = console.pauseIntake(caller());
            return "intake paused by " + s.by() + " since " + s.since();
        }

        @Override
        public String resumeIntake() {
            console.resumeIntake(caller());
            return "intake running";
        }

        @Override
        public String retrySession(String sessionId) {
            return say(console.retry(sessionId, caller()));
        }

        @Override
        public String forceRollback(String sessionId) {
            return say(console.forceRollback(sessionId, caller()));
        }

        @Override
        public String redriveDeadLetters() {
            return console.redriveDeadLetters(caller()).detail();
        }
    }

    /** The broker's dead-letter queue. */
    public interface DeadLettersMXBean {
        int getCount();

        String[] getLetters();

        String redrive();
    }

    final class DeadLettersMBean implements DeadLettersMXBean {
        @Override
        public int getCount() {
            return deadLetters.count();
        }

        @Override
        public String[] getLetters() {
            return deadLetters.list(100).stream().map(d -> d.sessionId() + " " + d.messageType() + " from " + d.queue()
                    + (d.reason() == null ? "" : ": " + d.reason())).toArray(String[]::new);
        }

        @Override
        public String redrive() {
            return console.redriveDeadLetters(caller()).detail();
        }
    }

    /** The counterpart: endpoint, reachability, TLS, certificates and keys. */
    public interface PeerMXBean {
        String getGatewayId();

        String[] getEndpoints();

        String getReachable();

        String getLastDelivered();

        String getFailingSince();

        String getTls();

        String[] getCertificates();

        String[] getKeys();
    }

    final class PeerMBean implements PeerMXBean {
        @Override
        public String getGatewayId() {
            return status.peer().gatewayId();
        }

        @Override
        public String[] getEndpoints() {
            return status.peer().endpoints().toArray(String[]::new);
        }

        @Override
        public String getReachable() {
            return String.valueOf(status.peer().reachable());
        }

        @Override
        public String getLastDelivered() {
            return String.valueOf(status.peer().lastDelivered());
        }

        @Override
        public String getFailingSince() {
            GatewayStatus.Peer p = status.peer();
            return p.failingSince() == null ? null : p.failingSince() + ": " + p.lastFailure();
        }

        @Override
        public String getTls() {
            var t = status.peer().tls();
            return t.connections().isEmpty() ? "no connection yet" : t.connections().get(0).protocol() + " "
                    + t.connections().get(0).cipherSuite() + ", " + t.fullHandshakes() + " full handshake(s), the last at "
                    + t.lastFullHandshake();
        }

        @Override
        public String[] getCertificates() {
            return status.peer().certificates().stream().map(c -> c.name() + ": " + (c.subject() == null ? "" : c.subject()
                    + ", ") + "expires " + c.notAfter() + " (" + c.daysLeft() + " days)").toArray(String[]::new);
        }

        @Override
        public String[] getKeys() {
            return status.peer().keys().stream().map(k -> k.get("name") + ": " + k.get("algorithm")).toArray(String[]::new);
        }
    }

    /** One unfinished session. */
    public interface SessionMXBean {
        String getSessionId();

        String getTransferContextId();

        String getRole();

        String getState();

        String getStep();

        long getAgeSeconds();

        String getLastError();

        String retry();

        String forceRollback();
    }

    final class SessionMBean implements SessionMXBean {
        private final String id;

        SessionMBean(String id) {
            this.id = id;
        }

        private SessionViews.SessionRow row() {
            return sessions.timeline(id).map(java.util.Map.Entry::getKey).orElse(null);
        }

        @Override
        public String getSessionId() {
            return id;
        }

        @Override
        public String getTransferContextId() {
            SessionViews.SessionRow r = row();
            return r == null ? null : r.transferContextId();
        }

        @Override
        public String getRole() {
            SessionViews.SessionRow r = row();
            return r == null ? null : r.role();
        }

        @Override
        public String getState() {
            SessionViews.SessionRow r = row();
            return r == null ? "gone" : r.state();
        }

        @Override
        public String getStep() {
            SessionViews.SessionRow r = row();
            return r == null ? null : r.step();
        }

        @Override
        public long getAgeSeconds() {
            SessionViews.SessionRow r = row();
            return r == null ? -1 : r.ageSeconds();
        }

        @Override
        public String getLastError() {
            SessionViews.SessionRow r = row();
            return r == null ? null : r.lastError();
        }

        @Override
        public String retry() {
            return say(console.retry(id, caller()));
        }

        @Override
        public String forceRollback() {
            return say(console.forceRollback(id, caller()));
        }
    }
}
