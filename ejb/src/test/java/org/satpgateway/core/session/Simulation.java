package org.satpgateway.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.satpgateway.core.SatpError;
import org.satpgateway.core.codec.Decoded;
import org.satpgateway.core.codec.SignedMessage;
import org.satpgateway.core.ledger.LedgerResult;
import org.satpgateway.core.log.LogEntry;
import org.satpgateway.core.message.ErrorMessage;
import org.satpgateway.core.message.MessageType;

/**
 * Two gateways, two ledgers and a network in one thread, driven by a simulated clock. It runs the state machines
 * the way the runtime does (effects in order: log, ledger, send) and can crash a gateway after any "atom" (one log
 * entry appended, one ledger action performed, one message sent): its memory, timers and in-flight messages are
 * lost, its log and its ledger stay, and it restarts from its log alone.
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
        Session session;
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
        int recoveryAttempt = 1;

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
            timerAt = null;
            restartAt = now.plus(downtime);
            inFlight.removeIf(e -> e.to() == this);
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
                if (role == Role.CLIENT) {
                    // the back-office job is redelivered: its first step never committed
                    carry(machine instanceof ClientStateMachine c ? c.start(order, now) : null);
                }
                return;
            }
            if (!session.status().terminal()) {
                carry(planner.start(session, "restart", 1, now));
            }
        }

        /** Carries out a transition's effects in order, as the runtime does. */
        void carry(Transition t) {
            if (!(t instanceof Transition.Accepted a)) {
                return;
            }
            List<LedgerResult> results = new ArrayList<>();
            for (Effect e : a.effects()) {
                if (e instanceof Effect.AppendLog append) {
                    for (LogEntry entry : append.entries()) {
                        log.add(entry);
                        atom();
                    }
                } else if (e instanceof Effect.PerformLedgerAction p) {
                    results.add(connector.perform(p.request()));
                    atom();
                } else if (e instanceof Effect.Send s) {
                    inFlight.add(new Envelope(peer(), s.message()));
                    sent.add(s.message());
                    atom();
                } else if (e instanceof Effect.ArmTimeout timer) {
                    timerAt = timer.at();
                    timerAttempt = timer.attempt();
                } else if (e instanceof Effect.CancelTimeout) {
                    timerAt = null;
                } else if (e instanceof Effect.StartRecovery r) {
                    pendingRecovery = this;
                    recoveryAttempt = r.attempt();
                } else if (e instanceof Effect.Alert alert) {
                    alerts.add(alert.reason());
                }
            }
            session = a.session();
            assertEquals(sessionLog.replay(log), session, name + ": the session must equal its log's replay");
            history.add(session);
            logSizes.add(log.size());
            for (LedgerResult r : results) {
                carry(machine.onLedgerResult(session, r, now));
            }
        }

        void onMessage(SignedMessage m) {
            Decoded d = sessionLog.codec().decode(m.wire().getBytes(StandardCharsets.UTF_8));
            Decoded.Message in = (Decoded.Message) d;
            MessageType type = m.message().type();
            if (session == null) {
                if (type == MessageType.RECOVER) {
                    inFlight.add(new Envelope(peer(), planner.sessionNotFound(in, now)));
                } else if (role == Role.SERVER && machine instanceof ServerStateMachine server) {
                    carry(server.open(in, now));
                }
                return;
            }
            Transition t;
            switch (type) {
                case RECOVER -> t = planner.answer(session, log, in, now);
                case RECOVER_UPDATE -> t = plan(planner.onUpdate(session, in, now));
                case RECOVER_UPDATE_ACK -> t = planner.onUpdateAck(session, in, now);
                case RECOVER_SUCCESS -> t = plan(planner.onSuccess(session, in, now));
                default -> {
                    if (type == MessageType.ERROR
                            && SatpError.SESSION_NOT_FOUND.code().equals(((ErrorMessage) m.message()).errorCode())
                            && m.message().common().hashPrevMessage().equals(session.lastRecoverHash())) {
                        t = plan(planner.onSessionNotFound(session, in, now));
                    } else {
                        t = machine.receive(session, in, now);
                    }
                }
            }
            if (t instanceof Transition.Rejected r) {
                rejections.add(name + " refused " + type.shortName() + ": " + r.rejection());
                if (type != MessageType.ERROR) {
                    inFlight.add(new Envelope(peer(), machine.errorFor(in, r.rejection(), now)));
                }
            }
            carry(t);
        }

        private Transition plan(RecoveryPlan p) {
            plans.add(p);
            return p.transition();
        }

        void onTimer() {
            Instant at = timerAt;
            timerAt = null;
            if (at != null) {
                carry(machine.onTimeout(session, timerAttempt, now));
            }
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
    Node pendingRecovery;
    int steps;

    Simulation(TransferOrder order) {
        this.order = order;
        nw1.issue(Fixtures.ASSET, Fixtures.ORIGINATOR, Fixtures.AMOUNT);
    }

    Simulation start() {
        guarded(g1, () -> g1.carry(((ClientStateMachine) g1.machine).start(order, now)));
        return this;
    }

    /** Runs until both sessions ended, or nothing more can happen, or the step budget is spent. */
    Simulation run(int maxSteps) {
        while (steps++ < maxSteps) {
            if (ended()) {
                return this;
            }
            if (pendingRecovery != null) {
                Node n = pendingRecovery;
                pendingRecovery = null;
                if (n.up && n.session != null) {
                    guarded(n, () -> n.carry(n.planner.start(n.session, "counterpart silent", n.recoveryAttempt, now)));
                }
                continue;
            }
            Envelope e = inFlight.poll();
            if (e != null) {
                if (e.to().up) {
                    guarded(e.to(), () -> e.to().onMessage(e.message()));
                }
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
