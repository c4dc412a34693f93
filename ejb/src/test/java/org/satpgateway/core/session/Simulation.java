package org.satpgateway.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;
import org.satpgateway.core.SatpError;
import org.satpgateway.core.codec.Decoded;
import org.satpgateway.core.codec.SignedMessage;
import org.satpgateway.core.ledger.LedgerResult;
import org.satpgateway.core.log.LogEntry;
import org.satpgateway.core.message.ErrorMessage;
import org.satpgateway.core.message.MessageType;

/**
 * Two gateways, two ledgers and a network in one thread, driven by a simulated clock. It runs the state machines
 * the way the runtime does: each input (a message, a timer, start-up recovery) is one <b>step</b>, a transaction in
 * which the gateway first asks its ledger what it holds for the session, then feeds the input; the step's log
 * entries, outgoing messages and timer commit together at its end, while every ledger action commits on its own at
 * once, like a real ledger outside the step's transaction.
 *
 * <p>A gateway can crash after any "atom": a ledger action (done on the ledger, the step not committed), the moment
 * before its step commits, and the moment after. A crash loses the gateway's memory and the step under way (its
 * entries, messages and timer change); its log, its committed timer and its ledger stay. The message the step had
 * taken is redelivered after the restart, as the broker does, and messages sent to a gateway while it is down wait
 * for it. It restarts from its log alone and runs start-up recovery; with {@link #timersFirst} an overdue timer runs
 * before it.
 */
final class Simulation {
    /** Thrown to unwind the stack of a gateway that just crashed. */
    static final class Crash extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    record Envelope(Node to, SignedMessage message) {}

    final class Node {
        final String name;
        final Role role;
        final SessionMachine machine;
        final RecoveryPlanner planner;
        final FakeLedger ledger;
        /** The ledger this gateway acts on: its fake by default, or another connector a test puts in. */
        org.satpgateway.core.ledger.LedgerConnector connector;
        final List<LogEntry> log = new ArrayList<>();
        final List<SignedMessage> sent = new ArrayList<>();
        final List<String> alerts = new ArrayList<>();
        final List<RecoveryPlan> plans = new ArrayList<>();
        /** The session as the last committed step left it (memory: lost in a crash, rebuilt from the log). */
        Session session;
        /** The session's timer, committed with the step that armed it (it survives a crash). */
        Instant timerAt;
        int timerAttempt;
        boolean up = true;
        Instant restartAt;
        long atoms;
        long crashAfterAtom = Long.MAX_VALUE;
        /** After a restart, crash again after this many more atoms (0: no second crash). */
        long crashAgainAfter;
        /** Crash the counterpart in the same instant. */
        boolean takesPeerDown;
        final List<Session> history = new ArrayList<>();
        final List<Integer> logSizes = new ArrayList<>();
        int crashes;
        /** Messages taken by a step that did not commit: delivered again once the gateway is up. */
        final Deque<SignedMessage> redeliver = new ArrayDeque<>();
        private Tx tx;

        /** What one step has done so far; nothing of it is visible before {@link #commit}. */
        private final class Tx {
            Session session;
            final List<LogEntry> entries = new ArrayList<>();
            final List<SignedMessage> sends = new ArrayList<>();
            final List<String> alerts = new ArrayList<>();
            final List<RecoveryPlan> plans = new ArrayList<>();
            Instant timerAt = Node.this.timerAt;
            int timerAttempt = Node.this.timerAttempt;

            Tx(Session session) {
                this.session = session;
            }
        }

        Node(String name, SessionMachine machine, FakeLedger ledger) {
            this.name = name;
            this.role = machine.role();
            this.machine = machine;
            this.planner = new RecoveryPlanner(machine);
            this.ledger = ledger;
            this.connector = ledger;
        }

        Node peer() {
            return this == g1 ? g2 : g1;
        }

        private void atom() {
            atoms++;
            if (atoms == crashAfterAtom) {
                crash();
            }
        }

        void crash() {
            down();
            if (takesPeerDown && peer().up) {
                peer().down();
            }
            throw new Crash();
        }

        private void down() {
            up = false;
            crashes++;
            session = null;
            tx = null;
            restartAt = now.plus(downtime);
            crashAfterAtom = Long.MAX_VALUE;
        }

        void restart() {
            up = true;
            restartAt = null;
            if (crashAgainAfter > 0) {
                crashAfterAtom = atoms + crashAgainAfter;
                crashAgainAfter = 0;
            }
            session = sessionLog.replay(log);
            if (session == null) {
                if (role == Role.CLIENT && redeliver.isEmpty()) {
                    // the back office submits the job again: its first step never committed
                    step(null, s -> ((ClientStateMachine) machine).start(order, now));
                }
            } else {
                if (timersFirst && timerAt != null && !timerAt.isAfter(now)) {
                    onTimer();
                }
                if (!session.status().terminal()) {
                    step(null, s -> planner.start(s, "restart", 1, now));
                }
            }
            while (!redeliver.isEmpty()) {
                inFlight.addFirst(new Envelope(this, redeliver.removeLast()));
            }
        }

        /**
         * One step: ask the ledger, feed the input, commit. {@code consumed} is the message the step takes, given
         * back for redelivery when the gateway crashes before the commit.
         */
        void step(SignedMessage consumed, Function<Session, Transition> input) {
            tx = new Tx(session);
            try {
                if (tx.session != null && !tx.session.status().terminal() && tx.session.mayHaveActed()) {
                    carry(machine.reconcile(tx.session, connector.recorded(tx.session.sessionId()), now));
                }
                carry(input.apply(tx.session));
                atom();
                commit();
                atom();
            } catch (Crash c) {
                if (consumed != null) {
                    redeliver.add(consumed);
                }
                throw c;
            }
        }

        private void commit() {
            log.addAll(tx.entries);
            for (SignedMessage m : tx.sends) {
                inFlight.add(new Envelope(peer(), m));
                sent.add(m);
            }
            timerAt = tx.timerAt;
            timerAttempt = tx.timerAttempt;
            alerts.addAll(tx.alerts);
            plans.addAll(tx.plans);
            if (!tx.entries.isEmpty()) {
                session = tx.session;
                history.add(session);
                logSizes.add(log.size());
            }
            tx = null;
        }

        /** Carries out a transition's effects in order, as the runtime does, within the step under way. */
        void carry(Transition t) {
            if (!(t instanceof Transition.Accepted a)) {
                return;
            }
            List<LedgerResult> results = new ArrayList<>();
            Effect.StartRecovery recovery = null;
            for (Effect e : a.effects()) {
                if (e instanceof Effect.AppendLog append) {
                    tx.entries.addAll(append.entries());
                } else if (e instanceof Effect.PerformLedgerAction p) {
                    results.add(connector.perform(p.request()));
                    atom();
                } else if (e instanceof Effect.Send s) {
                    tx.sends.add(s.message());
                } else if (e instanceof Effect.ArmTimeout timer) {
                    tx.timerAt = timer.at();
                    tx.timerAttempt = timer.attempt();
                } else if (e instanceof Effect.CancelTimeout) {
                    tx.timerAt = null;
                } else if (e instanceof Effect.StartRecovery r) {
                    recovery = r;
                } else if (e instanceof Effect.Alert alert) {
                    tx.alerts.add(alert.reason());
                }
            }
            tx.session = a.session();
            if (tx.session != null) {
                List<LogEntry> all = new ArrayList<>(log);
                all.addAll(tx.entries);
                assertEquals(sessionLog.replay(all), tx.session, name + ": the session must equal its log's replay");
            }
            for (LedgerResult r : results) {
                carry(machine.onLedgerResult(tx.session, r, now));
            }
            if (recovery != null && tx.session != null && !tx.session.status().terminal()) {
                carry(planner.start(tx.session, recovery.reason(), recovery.attempt(), now));
            }
        }

        void onMessage(SignedMessage m) {
            step(m, s -> dispatch(s, m));
        }

        private Transition dispatch(Session s, SignedMessage m) {
            Decoded.Message in = (Decoded.Message) sessionLog.codec().decode(m.wire().getBytes(StandardCharsets.UTF_8));
            MessageType type = m.message().type();
            Transition t;
            if (s == null) {
                if (type == MessageType.RECOVER) {
                    tx.sends.add(planner.sessionNotFound(in, now));
                    return null;
                }
                if (!(machine instanceof ServerStateMachine server)) {
                    return null;
                }
                t = server.open(in, now);
            } else {
                t = switch (type) {
                    case RECOVER -> planner.answer(s, log, in, now);
                    case RECOVER_UPDATE -> plan(planner.onUpdate(s, in, now));
                    case RECOVER_UPDATE_ACK -> planner.onUpdateAck(s, in, now);
                    case RECOVER_SUCCESS -> plan(planner.onSuccess(s, in, now));
                    default -> type == MessageType.ERROR
                            && SatpError.SESSION_NOT_FOUND.code().equals(((ErrorMessage) m.message()).errorCode())
                            && m.message().common().hashPrevMessage().equals(s.lastRecoverHash())
                            ? plan(planner.onSessionNotFound(s, in, now))
                            : machine.receive(s, in, now);
                };
            }
            if (t instanceof Transition.Rejected r) {
                rejections.add(name + " refused " + type.shortName() + ": " + r.rejection());
                if (type != MessageType.ERROR) {
                    tx.sends.add(machine.errorFor(in, r.rejection(), now));
                }
            }
            return t;
        }

        private Transition plan(RecoveryPlan p) {
            tx.plans.add(p);
            return p.transition();
        }

        void onTimer() {
            if (timerAt == null) {
                return;
            }
            int attempt = timerAttempt;
            step(null, s -> {
                tx.timerAt = null;
                return machine.onTimeout(s, attempt, now);
            });
        }
    }

    final SessionLog sessionLog = new SessionLog(Fixtures.CODEC);
    final FakeLedger nw1 = new FakeLedger("ledger-one");
    final FakeLedger nw2 = new FakeLedger("ledger-two");
    final Node g1 = new Node("G1", Fixtures.client(), nw1);
    final Node g2 = new Node("G2", Fixtures.server(), nw2);
    final Deque<Envelope> inFlight = new ArrayDeque<>();
    final List<String> rejections = new ArrayList<>();
    final TransferOrder order;
    Instant now = Fixtures.T0;
    Duration downtime = Duration.ofSeconds(2);
    /** After a restart, an overdue timer runs before start-up recovery and before redelivered messages. */
    boolean timersFirst;
    int steps;

    Simulation(TransferOrder order) {
        this.order = order;
        nw1.issue(Fixtures.ASSET, Fixtures.ORIGINATOR, Fixtures.AMOUNT);
    }

    Simulation start() {
        guarded(g1, () -> g1.step(null, s -> ((ClientStateMachine) g1.machine).start(order, now)));
        return this;
    }

    /** Runs until both sessions ended, or nothing more can happen, or the step budget is spent. */
    Simulation run(int maxSteps) {
        while (steps++ < maxSteps) {
            if (ended()) {
                return this;
            }
            Envelope e = inFlight.stream().filter(x -> x.to().up).findFirst().orElse(null);
            if (e != null) {
                inFlight.remove(e);
                guarded(e.to(), () -> e.to().onMessage(e.message()));
                continue;
            }
            Instant next = null;
            Node who = null;
            for (Node n : List.of(g1, g2)) {
                Instant at = n.up ? (n.session != null ? n.timerAt : null) : n.restartAt;
                if (at != null && (next == null || at.isBefore(next))) {
                    next = at;
                    who = n;
                }
            }
            if (who == null) {
                return this;
            }
            now = next.isAfter(now) ? next : now;
            Node n = who;
            guarded(n, () -> {
                if (!n.up) {
                    n.restart();
                } else {
                    n.onTimer();
                }
            });
        }
        return this;
    }

    private static void guarded(Node n, Runnable r) {
        try {
            r.run();
        } catch (Crash c) {
            // the node is down; the simulation goes on without it
        }
    }

    /** Both sessions ended; or the client ended one the server never heard of (its proposal was never sent). */
    boolean ended() {
        if (!g1.up || !g2.up || g1.session == null || !g1.session.status().terminal()) {
            return false;
        }
        return g2.session == null ? g2.log.isEmpty() && inFlight.isEmpty() : g2.session.status().terminal();
    }

    List<MessageType> sentTypes(Node n) {
        return n.sent.stream().map(m -> m.message().type()).toList();
    }
}
