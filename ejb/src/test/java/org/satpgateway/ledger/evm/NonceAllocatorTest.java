package org.satpgateway.ledger.evm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class NonceAllocatorTest {
    @Test
    void startsFromTheChainOrPastTheJournalWhicheverIsHigher() {
        NonceAllocator a = new NonceAllocator();
        assertThrows(IllegalStateException.class, a::allocate, "not started");
        assertEquals(7, a.advance(7, 3));
        assertEquals(7, a.allocate());
        NonceAllocator b = new NonceAllocator();
        assertEquals(10, b.advance(4, 9), "journaled transactions the node lost keep their nonces");
        assertEquals(10, b.allocate());
        assertEquals(11, b.allocate());
    }

    @Test
    void neverMovesBackOnAdvanceAndTakesBackOnlyTheLastNonce() {
        NonceAllocator a = new NonceAllocator();
        a.advance(5, -1);
        long first = a.allocate();
        long second = a.allocate();
        assertEquals(7, a.advance(3, 2), "a node that knows fewer transactions does not move it back");
        assertFalse(a.release(first), "a nonce with a later one handed out stays taken");
        assertTrue(a.release(second));
        assertEquals(6, a.allocate());
        a.reset(20);
        assertEquals(20, a.allocate());
    }

    @Test
    void concurrentAllocationsGetDistinctNoncesWithoutGaps() throws Exception {
        NonceAllocator a = new NonceAllocator();
        a.advance(100, -1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Long>> calls = new ArrayList<>();
            for (int i = 0; i < 320; i++) {
                calls.add(a::allocate);
            }
            Set<Long> seen = new TreeSet<>();
            for (Future<Long> f : pool.invokeAll(calls)) {
                assertTrue(seen.add(f.get()), "nonce handed out twice: " + f.get());
            }
            assertEquals(100L, ((TreeSet<Long>) seen).first());
            assertEquals(419L, ((TreeSet<Long>) seen).last());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void oneAllocatorPerAccountAndChain() {
        assertSame(NonceAllocator.of(1, "0xAbC"), NonceAllocator.of(1, "0xabc"));
        assertFalse(NonceAllocator.of(1, "0xabc") == NonceAllocator.of(2, "0xabc"));
    }
}
