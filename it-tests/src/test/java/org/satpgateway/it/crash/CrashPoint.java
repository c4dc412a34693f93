package org.satpgateway.it.crash;

import java.util.ArrayList;
import java.util.List;

/**
 * A named point in a gateway's code where a Byteman rule halts its JVM ({@code Runtime.halt(137)}: no shutdown hook,
 * no clean-up, like kill -9). Both gateways' JVMs carry the Byteman agent ({@code -javaagent}) and the points' rules
 * ({@link CrashAgent}: loaded at start, or added when armed); a rule fires only while the JVM's system property
 * {@link #ARM} names its point, which the test sets through the agent's listener just before the transfer starts. The
 * restarted JVM starts unarmed, unless a scenario arms it from its first instant. No crash hook is compiled into the
 * product.
 *
 * @param gateway {@code G1} (client) or {@code G2} (server)
 * @param target the rule's {@code CLASS}, {@code METHOD} and {@code AT} lines
 * @param condition the rule's {@code IF} expression
 * @param deadlineSeconds the job's deadline; a short one with {@code downPastDeadline} forces the rollback path
 * @param downPastDeadline keep the crashed gateway down until the deadline has passed
 * @param arm for a scenario, the point whose rule it arms first (null: its own)
 * @param alsoKill for a scenario, kill the other gateway too the moment this one halts
 * @param followUp for a scenario, a second point armed after the first crash (on the gateway that point names)
 */
record CrashPoint(String name, String gateway, String target, String condition, String what, long deadlineSeconds,
        boolean downPastDeadline, String arm, String alsoKill, String followUp) {

    /** The system property that arms one point (Byteman lets its listener set properties under its own prefix). */
    static final String ARM = "org.jboss.byteman.satp.crash";

    static final String APPEND = "CLASS org.satpgateway.ejb.log.JpaLogStore\nMETHOD append\n";
    /** Any ledger connector's perform, through the ledger port: the crash points hold whichever connector runs. */
    static final String LEDGER = "INTERFACE ^org.satpgateway.core.ledger.LedgerConnector\nMETHOD perform\n";
    static final String ENQUEUE = "CLASS org.satpgateway.ejb.outbound.JmsChannel\nMETHOD toPeer\n";
    static final String DELIVER = "CLASS org.satpgateway.ejb.outbound.PeerHttpChannel\nMETHOD deliver\n";
    static final String INTAKE = "CLASS org.satpgateway.ejb.door.PeerIntake\nMETHOD accept\n";
    /** A log database's XA commit of a two-phase transaction: the branches are prepared, the decision is made. */
    static final List<String> XA_COMMIT = List.of(
            "CLASS org.h2.jdbcx.JdbcXAConnection\nMETHOD commit\nAT ENTRY\n",
            "CLASS org.postgresql.xa.PGXAConnection\nMETHOD commit\nAT ENTRY\n");
    static final String QUEUED = "CLASS org.satpgateway.web.SatpMessageResource\nMETHOD receive\n"
            + "AFTER INVOKE org.satpgateway.ejb.door.PeerIntake.accept\n";

    /** The rule this point arms first: its own, or for a scenario another point's. */
    String armed() {
        return arm != null ? arm : name;
    }

    /** The Byteman script of this point: one rule, or one per class when the point has several targets. */
    String rule() {
        if (!hasRule()) {
            throw new IllegalStateException(name + " is a scenario: it has no rule of its own");
        }
        String[] targets = target.split("\\|");
        StringBuilder rules = new StringBuilder();
        for (int i = 0; i < targets.length; i++) {
            rules.append("RULE satp-crash ").append(name).append(targets.length > 1 ? " " + i : "").append("\n")
                    .append(targets[i]).append("IF \"").append(name).append("\".equals(System.getProperty(\"")
                    .append(ARM).append("\"))\n   AND ").append(condition).append("\n")
                    .append("DO traceln(\"SATP-CRASH ").append(name).append("\");\n   Runtime.getRuntime().halt(137)\nENDRULE\n");
        }
        return rules.toString();
    }

    /** A scenario: it arms another point's rule, and may crash the other gateway too or crash again later. */
    private static CrashPoint scenario(String name, String arm, String gateway, String alsoKill, String followUp,
            String what) {
        return new CrashPoint(name, gateway, null, null, what, 300, false, arm, alsoKill, followUp);
    }

    /** True when this point has a rule of its own (scenarios arm other points' rules). */
    boolean hasRule() {
        return target != null;
    }

    /**
     * True when the transfer must end rolled back: the gateway stayed down past the deadline before the burn. After
     * the burn (G1's EXTINGUISH, G2's ASSIGN) the transfer only goes forward, deadline or not.
     */
    boolean expectsRollback() {
        return downPastDeadline && !name.contains("EXTINGUISH") && !name.contains("ASSIGN");
    }

    /** The gateway halts right after a ledger action (the ledger committed, the step did not) and stays down past the deadline. */
    private static CrashPoint pastDeadline(String gateway, String action, String what) {
        return new CrashPoint(gateway + "-after-" + action + "-down-past-deadline", gateway, LEDGER + "AT EXIT\n",
                "$1.action().name().equals(\"" + action + "\")", what, 15, true, null, null, null);
    }

    @Override
    public String toString() {
        return name;
    }

    /** The messages each gateway sends, in protocol order, with the ledger action done in the same step. */
    private static final String[][] G1_SENDS = {
        {"transfer-proposal-msg", null}, {"transfer-commence-msg", null}, {"lock-assert-msg", "LOCK"},
        {"commit-prepare-msg", null}, {"commit-final-msg", "EXTINGUISH"}, {"commit-transfer-complete-msg", null}};
    private static final String[][] G2_SENDS = {
        {"proposal-receipt-msg", null}, {"ack-commence-msg", null}, {"assertion-receipt-msg", null},
        {"commit-ready-msg", "CREATE"}, {"ack-commit-final-msg", "ASSIGN"}};

    /** Every crash point of both gateways: each step's log append, ledger action, enqueue, delivery and receipt. */
    static List<CrashPoint> all() {
        List<CrashPoint> all = new ArrayList<>();
        addSide(all, "G1", "G2", G1_SENDS);
        addSide(all, "G2", "G1", G2_SENDS);
        all.add(pastDeadline("G1", "LOCK", "G1 locked, then stays down past the transfer's deadline"));
        all.add(pastDeadline("G2", "CREATE", "G2 minted, then stays down past the transfer's deadline"));
        all.add(pastDeadline("G1", "EXTINGUISH", "G1 burned; its step did not commit, so its log does not know; it"
                + " stays down past the deadline: it must ask the ledger, and go forward"));
        all.add(pastDeadline("G2", "ASSIGN", "G2 assigned; its step did not commit; it stays down past the deadline"));
        for (String side : List.of("G1", "G2")) {
            all.add(point(side + "-between-prepare-and-commit", side, String.join("|", XA_COMMIT), "!$2",
                    side + " prepared both branches of its first step after the arming (log database and broker) and"
                            + " halts before the log database commits: the branch stays in doubt until the"
                            + " transaction manager recovers it at the restart"));
        }
        all.add(point("G1-answering-recovery", "G1", ENQUEUE + "AT EXIT\n", "$1.contains(\"msgtype:recover-update-msg\\\"\")",
                "G1 answers a recover-msg with recover-update-msg; not committed"));
        all.add(scenario("both-after-EXTINGUISH", "G1-after-EXTINGUISH", "G1", "G2", null,
                "G1 halts right after the burn and G2 is killed at the same moment; both restart"));
        all.add(scenario("G2-twice-CREATE-then-ASSIGN", "G2-after-CREATE", "G2", null, "G2-after-ASSIGN",
                "G2 halts after minting, restarts, and halts again after assigning in the same transfer"));
        all.add(scenario("G2-after-CREATE-then-G1-during-recovery", "G2-after-CREATE", "G2", null, "G1-answering-recovery",
                "G2 halts after minting; when it restarts and asks G1 to recover, G1 halts while answering"));
        return all;
    }

    private static void addSide(List<CrashPoint> all, String side, String peer, String[][] sends) {
        for (String[] s : sends) {
            String m = s[0];
            String ledger = s[1];
            String done = "$1.toString().contains(\"type=" + m + ", operation=DONE\")";
            String wire = "$1.contains(\"msgtype:" + m + "\\\"\")";
            if (ledger != null) {
                String isAction = "$1.action().name().equals(\"" + ledger + "\")";
                all.add(point(side + "-before-" + ledger, side, LEDGER + "AT ENTRY\n", isAction,
                        side + " is about to " + ledger.toLowerCase() + " (intent logged, step not committed)"));
                all.add(point(side + "-after-" + ledger, side, LEDGER + "AT EXIT\n", isAction,
                        side + " did " + ledger.toLowerCase() + " on its ledger; the step has not committed"));
            }
            all.add(point(side + "-before-log-" + m, side, APPEND + "AT ENTRY\n", done,
                    side + " is about to log that it sends " + m));
            all.add(point(side + "-after-log-" + m, side, APPEND + "AT EXIT\n", done,
                    side + " logged " + m + " as sent; not committed"));
            all.add(point(side + "-after-enqueue-" + m, side, ENQUEUE + "AT EXIT\n", wire,
                    side + " put " + m + " on its outbound queue; not committed"));
            all.add(point(side + "-before-delivery-" + m, side, DELIVER + "AT ENTRY\n", wire,
                    side + " committed the step; " + m + " waits on the outbound queue"));
            String received = "(new String(%s, \"UTF-8\")).contains(\"msgtype:" + m + "\\\"\")";
            all.add(point(peer + "-receiving-" + m, peer, INTAKE + "AT EXIT\n", String.format(received, "$1"),
                    peer + " took " + m + " at its endpoint; the inbound queue has not committed it"));
            all.add(point(peer + "-queued-" + m, peer, QUEUED, "!$!.isPresent() AND " + String.format(received, "$bytes"),
                    peer + " committed " + m + " to its inbound queue; the sender has no 202 yet"));
        }
    }

    private static CrashPoint point(String name, String gateway, String target, String condition, String what) {
        return new CrashPoint(name, gateway, target, condition, what, 300, false, null, null, null);
    }

    /** Points that only a scenario arms, after another crash (a transfer alone never reaches them). */
    static final java.util.Set<String> FOLLOW_UP_ONLY = java.util.Set.of("G1-answering-recovery");

    /**
     * The fixed subset CI runs: both sides' ledger actions (G1's lock left done and uncommitted runs on a chain in
     * {@code EvmGatewaysIT}, G1-LOCK-sent-receipt-not-logged), the rollback past the
     * deadline, the burn unknown to the log past the deadline, both down at once, a crash during recovery, and a
     * branch left in doubt. G2's halt after the mint opens two of them (past the deadline, and the crash during
     * recovery), so it does not run alone here. Every point runs with {@code -Dsatp.crash.set=all}.
     */
    static final List<String> CI = List.of(
            "G2-after-CREATE-down-past-deadline",
            "G1-after-EXTINGUISH-down-past-deadline", "both-after-EXTINGUISH", "G2-between-prepare-and-commit",
            "G2-after-CREATE-then-G1-during-recovery");
}
