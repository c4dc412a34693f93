package org.satpgateway.ejb.step;

import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.satpgateway.core.Rejection;
import org.satpgateway.core.SatpError;
import org.satpgateway.core.codec.Decoded;
import org.satpgateway.core.codec.SignedMessage;
import org.satpgateway.core.crypto.Certificates;
import org.satpgateway.core.crypto.PublicKeys;
import org.satpgateway.core.ledger.LedgerAction;
import org.satpgateway.core.ledger.LedgerResult;
import org.satpgateway.core.log.LogEntry;
import org.satpgateway.core.message.ErrorMessage;
import org.satpgateway.core.message.MessageType;
import org.satpgateway.core.message.PublicJwk;
import org.satpgateway.core.message.Recover;
import org.satpgateway.core.message.SatpMessage;
import org.satpgateway.core.session.Effect;
import org.satpgateway.core.session.RecoveryPlanner;
import org.satpgateway.core.session.Role;
import org.satpgateway.core.session.Session;
import org.satpgateway.core.session.SessionMachine;
import org.satpgateway.core.session.TransferOrder;
import org.satpgateway.core.session.Transition;
import org.satpgateway.ejb.config.GatewayConfig;
import org.satpgateway.ejb.identity.GatewayIdentity;
import org.satpgateway.ejb.lease.LeaseKeeper;
import org.satpgateway.ejb.ledger.GatewayLedger;
import org.satpgateway.ejb.log.JobEntity;
import org.satpgateway.ejb.log.JpaLogStore;
import org.satpgateway.ejb.log.PeerKeyEntity;
import org.satpgateway.ejb.log.RejectedMessageEntity;
import org.satpgateway.ejb.log.SessionEntity;
import org.satpgateway.ejb.log.TransferLog;
import org.satpgateway.ejb.outbound.JmsChannel;
import org.satpgateway.ejb.outbound.JobEvents;
import org.satpgateway.ejb.protocol.GatewayProtocol;

/**
 * Runs one protocol step in the caller's transaction: the consumed message (MDB), the log entries, the session's
 * index and timer, the ledger action (idempotent, committed by the ledger itself) and the outbound messages all
 * belong to it, so the step happens entirely or not at all. The session's index row is locked first, so steps of
 * one session never run at once. The session is rebuilt from its log, or taken from the {@link ReplayCache} when
 * the index row shows that the log has not grown since the cached state; after the commit the cache holds the
 * session with this step's entries applied.
 */
@Stateless
public class StepService {
    private static final Logger LOG = Logger.getLogger(StepService.class.getName());

    @PersistenceContext(unitName = "satpLog")
    private EntityManager em;

    @EJB
    private GatewayConfig config;

    @EJB
    private GatewayIdentity identity;

    @EJB
    private GatewayProtocol protocol;

    @EJB
    private GatewayLedger ledger;

    @EJB
    private SessionCache sessionCache;

    @EJB
    private JmsChannel jms;

    @Resource
    private TransactionSynchronizationRegistry transactions;

    @jakarta.inject.Inject
    private org.satpgateway.ejb.metrics.GatewayMetrics metrics;

    @EJB
    private LeaseKeeper lease;

    /** A back-office job as a step opens its session with it (the intake's parsed and checked job JSON). */
    public interface Job {
        String transferContextId();

        String digitalAssetId();

        String originator();

        Long amount();

        /** The order the client state machine takes for this job. */
        TransferOrder toOrder(String sessionId, TransferOrder.Counterpart counterpart, int maxRetries, Duration defaultDeadline);

        /** The job as JSON (stored with the job). */
        String toJson();
    }

    /** The outcome of a job submission. */
    public sealed interface Submission {
        /** A new job, or the earlier job with the same transferContextId ({@code repeat}). */
        record Accepted(String jobId, boolean repeat) implements Submission {}

        record Refused(Rejection rejection) implements Submission {}

        /**
         * Not taken now (start-up recovery still runs, or an operator paused intake); nothing was created, the caller
         * may retry after {@code retryAfterSeconds}.
         */
        record Unavailable(String reason, int retryAfterSeconds) implements Submission {}

        /** The transferContextId is taken by another job (its id): refused, nothing created. */
        record Conflict(String jobId) implements Submission {
            public String detail() {
                return "transferContextId is taken by job " + jobId + ": a repeat must be the same job from the same caller";
            }
        }
    }

    // ---- inputs -------------------------------------------------------------------------------------------------

    /**
     * A back-office job: opens a client session and sends the transfer proposal. {@code submittedBy} is the caller's
     * authenticated name (null when the channel authenticated nobody).
     */
    public Submission submit(Job job, String channel, String submittedBy) {
        lease.fence(em);
        Optional<JobEntity> earlier = jobByContext(job.transferContextId());
        if (earlier.isPresent()) {
            // the transferContextId is the idempotency key: the same job again from the same caller is the first one;
            // another job, or the same from another caller, is refused
            boolean same = earlier.get().request().equals(job.toJson())
                    && java.util.Objects.equals(earlier.get().submittedBy(), submittedBy);
            return same ? new Submission.Accepted(earlier.get().jobId(), true) : new Submission.Conflict(earlier.get().jobId());
        }
        Optional<Rejection> transferable;
        try {
            transferable = ledger.connector().transferable(job.digitalAssetId(), job.originator(), job.amount());
        } catch (RuntimeException ledgerDown) {
            // only a first check: a ledger that cannot answer now does not refuse the job; its lock step waits for it
            LOG.fine(() -> "the ledger could not check job " + job.transferContextId() + " at intake: " + ledgerDown);
            transferable = Optional.empty();
        }
        if (transferable.isPresent()) {
            return new Submission.Refused(transferable.get());
        }
        Instant now = config.clock().instant();
        String sessionId = UUID.randomUUID().toString();
        Transition t;
        try {
            t = protocol.client().start(job.toOrder(sessionId, identity.counterpart(), config.settings().maxRetries(),
                    config.settings().defaultDeadline()), now);
        } catch (IllegalStateException | IllegalArgumentException | NullPointerException e) {
            return new Submission.Refused(Rejection.of(SatpError.MALFORMED_MESSAGE, String.valueOf(e.getMessage())));
        }
        if (t instanceof Transition.Rejected r) {
            return new Submission.Refused(r.rejection());
        }
        em.persist(new JobEntity(sessionId, job.transferContextId(), channel, now.toEpochMilli(), job.toJson(), submittedBy));
        new Run(Role.CLIENT, now).carryStep(sessionId, null, null, t);
        return new Submission.Accepted(sessionId, false);
    }

    /** A signed message from the counterpart, taken from the inbound queue. */
    public void receive(String wire) {
        lease.fence(em);
        Instant now = config.clock().instant();
        Decoded d = protocol.codec().decode(wire.getBytes(StandardCharsets.UTF_8));
        if (d instanceof Decoded.Refused refused) {
            keepRejected(null, refused.rejection(), wire, now);
            return;
        }
        Decoded.Message in = (Decoded.Message) d;
        SatpMessage msg = in.message().message();
        String sessionId = msg.common().sessionId();
        JpaLogStore store = store();
        Session s = store.lock(sessionId).map(index -> load(store, index)).orElse(null);
        MessageType type = msg.type();
        if (s == null) {
            if (type == MessageType.RECOVER) {
                send(protocol.planner(Role.SERVER).sessionNotFound(in, now));
                return;
            }
            Transition t = protocol.server().open(in, now);
            answerRefusal(t, in, protocol.server(), wire, now);
            new Run(Role.SERVER, now).carryStep(sessionId, null, null, t);
            return;
        }
        SessionMachine machine = protocol.machine(s.role());
        RecoveryPlanner planner = protocol.planner(s.role());
        Run run = new Run(s.role(), now);
        Session current = run.reconcile(s);
        Transition t = switch (type) {
            case RECOVER -> planner.answer(current, store.read(sessionId), in, now);
            case RECOVER_UPDATE -> planner.onUpdate(current, in, now).transition();
            case RECOVER_UPDATE_ACK -> planner.onUpdateAck(current, in, now);
            case RECOVER_SUCCESS -> planner.onSuccess(current, in, now).transition();
            default -> type == MessageType.ERROR
                    && SatpError.SESSION_NOT_FOUND.code().equals(((ErrorMessage) msg).errorCode())
                    && msg.common().hashPrevMessage() != null
                    && msg.common().hashPrevMessage().equals(current.lastRecoverHash())
                    ? planner.onSessionNotFound(current, in, now).transition()
                    : machine.receive(current, in, now);
        };
        answerRefusal(t, in, machine, wire, now);
        if (t instanceof Transition.Accepted && msg instanceof Recover r && r.newIdentityPublicKey() != null) {
            switchPeerKey(current, r, now);
        }
        run.carryStep(sessionId, s, current, t);
    }

    /**
     * A peer message whose step failed on its last delivery for a reason that retrying does not cure
     * ({@code PeerMessageConsumer}): it is kept in the rejected-message log with the reason and answered with
     * {@code err_0.2.9}, in a transaction of its own. The session is neither locked nor changed (its row may be what
     * failed). The counterpart decides as for any refusal of its pending message: it rolls back where the protocol
     * still allows it and alerts its operators where it does not. The answer names an incident, not the reason: the
     * reason stays here.
     */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public void unprocessable(String wire, String reason) {
        lease.fence(em);
        Instant now = config.clock().instant();
        Decoded d = protocol.codec().decode(wire.getBytes(StandardCharsets.UTF_8));
        if (!(d instanceof Decoded.Message in)) {
            return; // a message the codec refuses is answered by its step, which does not fail on it
        }
        SatpMessage msg = in.message().message();
        String incident = UUID.randomUUID().toString();
        TransferLog.log(LOG, Level.WARNING, msg.common().sessionId(), msg.common().transferContextId(),
                () -> "gave up on " + msg.type().shortName() + " (incident " + incident + "): " + reason);
        String kept = "incident " + incident + ": " + reason;
        keepRejected(msg.common().sessionId(), Rejection.of(SatpError.UNPROCESSABLE,
                kept.length() > 1000 ? kept.substring(0, 1000) : kept), wire, now);
        if (msg.type() != MessageType.ERROR) {
            send(protocol.server().errorFor(in, Rejection.of(SatpError.UNPROCESSABLE, "the step of this message failed"
                    + " on every delivery for a reason that retrying does not cure; nothing changed (incident "
                    + incident + ")"), now));
        }
    }

    /**
     * The counterpart's new key (checked by the recovery planner) replaces the session's old one for every later
     * message and new session; the old one is retired. Written in the step's transaction; the gateway's key registry
     * follows once it commits.
     */
    private void switchPeerKey(Session s, Recover r, Instant now) {
        PublicJwk old = s.peerKey();
        String peerId = s.role() == Role.CLIENT ? s.proposal().transferInitClaim().recipientGatewayId()
                : s.proposal().transferInitClaim().senderGatewayId();
        String newId = PublicKeys.parse(r.newIdentityPublicKey()).map(PublicKeys.Key::keyId).orElseThrow();
        boolean fresh = em.find(PeerKeyEntity.class, newId) == null;
        if (fresh) {
            em.persist(new PeerKeyEntity(newId, peerId, protocol.codec().canonicalJson(r.newIdentityPublicKey()),
                    r.certificate(), false, now.toEpochMilli(), s.sessionId()));
        }
        if (old != null && !old.equals(r.newIdentityPublicKey())) {
            String oldId = PublicKeys.parse(old).map(PublicKeys.Key::keyId).orElseThrow();
            PeerKeyEntity known = em.find(PeerKeyEntity.class, oldId);
            Optional<String> cert = identity.peerCertificates().certificateOf(old).map(Certificates::toPem);
            if (known == null && cert.isPresent()) {
                em.persist(new PeerKeyEntity(oldId, peerId, protocol.codec().canonicalJson(old), cert.get(), true,
                        now.toEpochMilli(), s.sessionId()));
            } else if (known != null && !known.retired()) {
                known.retire(now.toEpochMilli());
            }
        }
        afterCommit(() -> {
            identity.peerCertificates().accept(peerId, old, r);
            if (fresh) {
                LOG.warning(() -> "counterpart " + peerId + " signs with the new key " + newId + " from now on"
                        + (r.isBackup() ? " (a backup took over)" : " (it lost its key pair)") + "; the old key is retired");
            }
        });
    }

    /**
     * After start-up recovery: when the latest session has ended and the counterpart knows another key of this
     * gateway for it, that session's recover-msg announces the current key (a key changed while no session was under
     * way). Unfinished sessions announce it in their own recover-msg.
     */
    public void announceKey(String reason) {
        lease.fence(em);
        List<String> latest = em.createQuery("SELECT s.sessionId FROM SessionEntity s ORDER BY s.updatedAtMillis DESC",
                String.class).setMaxResults(1).getResultList();
        if (latest.isEmpty()) {
            return;
        }
        String sessionId = latest.get(0);
        JpaLogStore store = store();
        Optional<SessionEntity> index = store.lock(sessionId);
        if (index.isEmpty()) {
            return;
        }
        Session s = load(store, index.get());
        if (!s.status().terminal()) {
            return;
        }
        Instant now = config.clock().instant();
        new Run(s.role(), now).carryStep(sessionId, s, s, protocol.planner(s.role()).announce(s, reason, now));
    }

    /** The session's timer fired: resend, redo, recover or roll back, as the state machine decides. */
    public void timeout(String sessionId) {
        lease.fence(em);
        Instant now = config.clock().instant();
        JpaLogStore store = store();
        Optional<org.satpgateway.ejb.log.SessionEntity> index = store.lock(sessionId);
        if (index.isEmpty() || index.get().timeoutAtMillis() == null || index.get().timeoutAtMillis() > now.toEpochMilli()) {
            return; // another step moved or cancelled the timer meanwhile
        }
        int attempt = index.get().timeoutAttempt();
        store.cancelTimeout(sessionId);
        Session s = load(store, index.get());
        Run run = new Run(s.role(), now);
        Session current = run.reconcile(s);
        run.carryStep(sessionId, s, current, protocol.machine(s.role()).onTimeout(current, attempt, now));
    }

    /** Starts crash recovery of an unfinished session with its counterpart. */
    public void recover(String sessionId, String reason) {
        lease.fence(em);
        Instant now = config.clock().instant();
        JpaLogStore store = store();
        Optional<SessionEntity> index = store.lock(sessionId);
        if (index.isEmpty()) {
            return;
        }
        Session s = load(store, index.get());
        if (s.status().terminal()) {
            return;
        }
        Run run = new Run(s.role(), now);
        Session current = run.reconcile(s);
        AfterCommit.run(transactions, metrics::recoveryStarted);
        run.carryStep(sessionId, s, current, protocol.planner(s.role()).start(current, reason, 1, now));
    }

    /**
     * What an operator's action on one session came to: carried out (with what the session does now), or refused with
     * the reason (the session unchanged), or no such session.
     */
    public record OperatorOutcome(boolean done, boolean found, String state, String detail) {
        static OperatorOutcome notFound(String sessionId) {
            return new OperatorOutcome(false, false, null, "no session " + sessionId + " on this gateway");
        }
    }

    /**
     * An operator's retry of a stuck session ({@link SessionMachine#retry}): after the ledger was asked what it holds
     * for the session, the session asks again, resends, redoes or starts recovery; an ended session is refused. A
     * session that waits for an operator has its alert cleared in the log as taken in hand by {@code operator}.
     */
    public OperatorOutcome retry(String sessionId, String operator) {
        return operatorStep(sessionId, (machine, current, now) -> machine.retry(current, "operator " + operator, now));
    }

    /**
     * An operator's forced rollback ({@link SessionMachine#forceRollback}): decided on the session reconciled with the
     * ledger, so a burn the log does not know yet refuses it.
     */
    public OperatorOutcome forceRollback(String sessionId, String operator) {
        return operatorStep(sessionId, (machine, current, now) -> machine.forceRollback(current,
                "rollback forced by operator " + operator, now));
    }

    private interface OperatorInput {
        Transition apply(SessionMachine machine, Session current, Instant now);
    }

    private OperatorOutcome operatorStep(String sessionId, OperatorInput input) {
        lease.fence(em);
        Instant now = config.clock().instant();
        JpaLogStore store = store();
        Optional<SessionEntity> index = store.lock(sessionId);
        if (index.isEmpty()) {
            return OperatorOutcome.notFound(sessionId);
        }
        Session s = load(store, index.get());
        Run run = new Run(s.role(), now);
        Session current = run.reconcile(s);
        Transition t = input.apply(protocol.machine(s.role()), current, now);
        if (t instanceof Transition.Rejected r) {
            if (current != s) {
                run.carryStep(sessionId, s, current, new Transition.Accepted(current, List.of()));
            }
            return new OperatorOutcome(false, true, current.status().name(), r.rejection().detail());
        }
        Session after = run.carryStep(sessionId, s, current, t);
        return new OperatorOutcome(true, true, after.status().name(), describe(t));
    }

    private static String describe(Transition t) {
        List<String> what = new ArrayList<>();
        for (Effect e : ((Transition.Accepted) t).effects()) {
            if (e instanceof Effect.Send send) {
                what.add("sent " + send.message().message().type().wireName());
            } else if (e instanceof Effect.PerformLedgerAction p) {
                what.add("asked the ledger about " + p.request().action().wireName());
            } else if (e instanceof Effect.StartRecovery r) {
                what.add("started recovery (" + r.reason() + ")");
            } else if (e instanceof Effect.AppendLog a) {
                a.entries().forEach(entry -> what.add("logged " + entry.type() + " " + entry.operation().wireName()));
            }
        }
        return what.isEmpty() ? "nothing to do now" : String.join("; ", what);
    }

    /** Sessions whose timer is due now. */
    public List<String> dueSessions(int limit) {
        return store().due(config.clock().instant(), limit);
    }

    /**
     * Unfinished sessions whose deadline passed more than {@code grace} ago, with what holds them (an alert, or the
     * burn that makes them forward only), for the operators' alerts; at most {@code limit} sessions are looked at.
     */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<String> pastDeadline(Duration grace, int limit) {
        Instant now = config.clock().instant().minus(grace);
        return unfinished(limit).stream().filter(s -> s.pastDeadline(now))
                .map(s -> s.sessionId() + " (" + s.status() + (s.pastPointOfNoReturn() ? ", past the burn: forward only" : "")
                        + (s.alert() != null ? "; " + s.alert() : "") + ")")
                .toList();
    }

    /** Unfinished sessions that wait for an operator (an alert in their log), with the alert, at most {@code limit}. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public Map<String, String> awaitingOperator(int limit) {
        Map<String, String> waiting = new LinkedHashMap<>();
        unfinished(limit).stream().filter(s -> s.alert() != null).forEach(s -> waiting.put(s.sessionId(), s.alert()));
        return waiting;
    }

    /** How many unfinished sessions wait for the ledger to confirm an action they submitted (of at most {@code limit}). */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public int awaitingLedger(int limit) {
        return (int) unfinished(limit).stream().filter(Session::awaitsLedger).count();
    }

    /** Up to {@code limit} unfinished sessions, read only: each from the replay cache or its log. */
    private List<Session> unfinished(int limit) {
        JpaLogStore store = store();
        List<Session> sessions = new ArrayList<>();
        for (String id : store.unfinishedSessions().stream().limit(limit).toList()) {
            SessionEntity index = em.find(SessionEntity.class, id);
            if (index != null) {
                Session s = load(store, index);
                if (!s.status().terminal()) {
                    sessions.add(s);
                }
            }
        }
        return sessions;
    }

    /** Sessions whose log does not end them. */
    public List<String> unfinishedSessions() {
        return store().unfinishedSessions();
    }

    // ---- carrying out effects -----------------------------------------------------------------------------------

    /** Carries out the effects of one step's transitions, in order, in the caller's transaction. */
    private final class Run {
        private final Role role;
        private final Instant now;
        private final JpaLogStore store = store();
        private final List<LogEntry> appended = new ArrayList<>();

        Run(Role role, Instant now) {
            this.role = role;
            this.now = now;
        }

        /**
         * The step's transition and the ones it leads to; then the session after them for the replay cache.
         *
         * @param before the session as loaded at the step's start
         * @param current the session {@code t} was computed from ({@code before} with what {@link #reconcile} logged)
         */
        Session carryStep(String sessionId, Session before, Session current, Transition t) {
            Session after = carry(current, t);
            remember(sessionId, before, after, appended, store);
            return after;
        }

        /**
         * Asks the ledger what it holds for the session and logs what the log does not know yet, before the step's
         * input is fed in ({@link SessionMachine#reconcile}): the ledger commits on its own, so a step that acted on
         * it and did not commit leaves the action done and the log silent. No decision of the step rests on the log
         * alone. Not asked before the session could have acted on it ({@link Session#mayHaveActed}).
         */
        Session reconcile(Session s) {
            if (s.status().terminal() || !s.mayHaveActed()) {
                return s;
            }
            Map<LedgerAction, LedgerResult> recorded = ledger.connector().recorded(s.sessionId());
            Session after = carry(s, protocol.machine(role).reconcile(s, recorded, now));
            // an action the log knew as submitted and the ledger now holds as final is the slow ledger's normal way;
            // one the log knew only as intended, or not at all, is a step that acted and did not commit
            boolean unknown = recorded.keySet().stream().anyMatch(action -> s.ledger(action)
                    .map(l -> l.phase() == org.satpgateway.core.session.LedgerState.Phase.INITIATED).orElse(true));
            if (unknown && after.entryCount() > s.entryCount()) {
                TransferLog.log(LOG, Level.WARNING, s.sessionId(), s.transferContextId(), () -> "the ledger holds " + recorded.keySet()
                        + "; the log did not know all of it (a step that acted and did not commit), and now does");
            }
            return after;
        }

        Session carry(Session before, Transition t) {
            if (!(t instanceof Transition.Accepted a)) {
                return before;
            }
            SessionMachine machine = protocol.machine(role);
            Session s = a.session();
            List<LedgerResult> results = new ArrayList<>();
            Effect.StartRecovery recovery = null;
            boolean logged = false;
            for (Effect e : a.effects()) {
                if (e instanceof Effect.AppendLog append) {
                    store.append(append.entries());
                    appended.addAll(append.entries());
                    store.index(s);
                    logged = true;
                } else if (e instanceof Effect.Send send) {
                    send(send.message());
                } else if (e instanceof Effect.PerformLedgerAction p) {
                    results.add(ledger.connector().perform(p.request()));
                } else if (e instanceof Effect.ArmTimeout timer) {
                    store.arm(s.sessionId(), timer.at(), timer.attempt());
                } else if (e instanceof Effect.CancelTimeout) {
                    store.cancelTimeout(s.sessionId());
                } else if (e instanceof Effect.StartRecovery r) {
                    recovery = r;
                } else if (e instanceof Effect.Alert alert) {
                    TransferLog.log(LOG, Level.WARNING, a.session().sessionId(), a.session().transferContextId(),
                            () -> "needs an operator: " + alert.reason());
                } else if (e instanceof Effect.Finish finish) {
                    TransferLog.log(LOG, Level.INFO, a.session().sessionId(), a.session().transferContextId(),
                            () -> "ended " + finish.outcome());
                }
            }
            if (logged && role == Role.CLIENT) {
                jms.jobEvent(JobEvents.of(s, now), Map.of("jobId", s.sessionId(), "state", s.status().name()));
            }
            for (LedgerResult r : results) {
                s = carry(s, machine.onLedgerResult(s, r, now));
            }
            if (recovery != null && !s.status().terminal()) {
                AfterCommit.run(transactions, metrics::recoveryStarted);
                s = carry(s, protocol.planner(role).start(s, recovery.reason(), recovery.attempt(), now));
            }
            return s;
        }
    }

    // ---- the session's state ------------------------------------------------------------------------------------

    /** The session as its log rebuilds it; {@code index} is its index row, locked by this step. */
    private Session load(JpaLogStore store, SessionEntity index) {
        Session cached = sessionCache.replayCache().get(index.sessionId(), index.lastPosition());
        return cached != null ? cached : protocol.sessionLog().replay(store.read(index.sessionId()));
    }

    /**
     * Once this step's transaction has committed, the cache holds the session after the step. The state machines
     * build a session by applying each entry they log to the session before it ({@code SessionLog.apply}), the same
     * fold as a replay ({@code SessionLogTest} proves both equal at every step); a session whose entry count does
     * not match the entries appended and the log's length in the database is not kept. A step that rolls back leaves no trace.
     */
    private void remember(String sessionId, Session before, Session after, List<LogEntry> appended, JpaLogStore store) {
        if (appended.isEmpty() || appended.stream().anyMatch(e -> !e.sessionId().equals(sessionId))) {
            return;
        }
        ReplayCache<Session> cache = sessionCache.replayCache();
        long position = store.position(sessionId);
        long expected = (before == null ? 0 : before.entryCount()) + appended.size();
        if (after == null || !after.sessionId().equals(sessionId) || after.entryCount() != expected
                || position != expected) {
            cache.forget(sessionId);
            return;
        }
        afterCommit(() -> cache.put(sessionId, position, after));
    }

    /** Runs {@code action} once the step's transaction has committed; never when it rolls back. */
    private void afterCommit(Runnable action) {
        AfterCommit.run(transactions, action);
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    /** A refused message changes nothing; it is kept with its reason and answered with error-msg. */
    private void answerRefusal(Transition t, Decoded.Message in, SessionMachine machine, String wire, Instant now) {
        if (t instanceof Transition.Rejected r) {
            SatpMessage msg = in.message().message();
            keepRejected(msg.common().sessionId(), r.rejection(), wire, now);
            TransferLog.log(LOG, Level.INFO, msg.common().sessionId(), msg.common().transferContextId(),
                    () -> "refused " + msg.type().shortName() + ": " + r.rejection());
            if (msg.type() != MessageType.ERROR) {
                send(machine.errorFor(in, r.rejection(), now));
            }
        }
    }

    private void keepRejected(String sessionId, Rejection rejection, String wire, Instant now) {
        em.persist(new RejectedMessageEntity(sessionId, now.toEpochMilli(), rejection.code(), rejection.detail(), wire));
        AfterCommit.run(transactions, () -> metrics.refused(rejection.code()));
    }

    /** Queues a signed message for the counterpart. Each send is a new delivery (a resend is not a transport repeat). */
    private void send(SignedMessage m) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("satpType", m.message().type().shortName());
        props.put("satpSession", m.message().common().sessionId());
        jms.toPeer(m.wire(), m.hash() + ":" + UUID.randomUUID(), props);
    }

    private Optional<JobEntity> jobByContext(String transferContextId) {
        return em.createQuery("SELECT j FROM JobEntity j WHERE j.transferContextId = :c", JobEntity.class)
                .setParameter("c", transferContextId).getResultList().stream().findFirst();
    }

    private JpaLogStore store() {
        return new JpaLogStore(em, config.clock());
    }
}
