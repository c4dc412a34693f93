package org.satpgateway.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.satpgateway.core.message.MessageType.*;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A whole transfer through both state machines in memory: every message, in order, and the two ledgers after. */
class FullTransferTest {

    @Test
    void completesWithEveryMessageInOrder() {
        Simulation sim = new Simulation(Fixtures.order("5f0c6a4e-0000-4000-8000-000000000001", Duration.ofMinutes(5)))
                .start().run(500);

        assertEquals(List.of(TRANSFER_PROPOSAL, TRANSFER_COMMENCE, LOCK_ASSERT, COMMIT_PREPARE, COMMIT_FINAL,
                TRANSFER_COMPLETE), sim.sentTypes(sim.g1));
        assertEquals(List.of(PROPOSAL_RECEIPT, ACK_COMMENCE, ASSERTION_RECEIPT, COMMIT_READY, ACK_COMMIT_FINAL),
                sim.sentTypes(sim.g2));
        for (Simulation.Node n : List.of(sim.g1, sim.g2)) {
            for (int i = 0; i < n.sent.size(); i++) {
                long seq = n.sent.get(i).message().common().sequenceNumber();
                assertEquals(n == sim.g1 ? 2L * i + 1 : 2L * i + 2, seq, n.name + " sequence");
            }
        }
        assertEquals(Status.COMPLETED, sim.g1.session.status());
        assertEquals(Status.COMPLETED, sim.g2.session.status());
        assertEquals(FakeLedger.State.BURNED, sim.nw1.assets.get(Fixtures.ASSET).state);
        FakeLedger.Asset minted = sim.nw2.assets.get(FakeLedger.minted(sim.g1.session.sessionId()));
        assertEquals(Fixtures.BENEFICIARY, minted.owner);
        assertEquals(Fixtures.AMOUNT, minted.amount);
        assertEquals(1, sim.nw2.mints);
        assertEquals(1, sim.nw1.burns);
        assertTrue(sim.rejections.isEmpty(), sim.rejections.toString());
        assertEquals(0, sim.nw1.live());
        assertEquals(Fixtures.AMOUNT, sim.nw2.live());
    }
}
