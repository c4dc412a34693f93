package org.satpgateway.ledger.evm;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The nonces of one account on one chain, shared by every connector of this JVM that signs with the account: a
 * nonce is handed out once, in order, and never given away while the transaction signed with it may still be mined.
 *
 * <p>The holder of {@link #lock()} allocates, signs, journals and broadcasts in one go, so transactions reach the
 * node in nonce order (a node that mines each transaction at once refuses a nonce with a gap before it). Only the
 * last nonce handed out can be taken back ({@link #release}), when nothing was journaled under it; every other
 * allocated nonce belongs to a journaled transaction, which is re-broadcast until mined.
 */
final class NonceAllocator {
    private static final Map<String, NonceAllocator> ACCOUNTS = new ConcurrentHashMap<>();

    private final ReentrantLock lock = new ReentrantLock(true);
    private long next = -1;

    /** The allocator of {@code account} on {@code chainId}, one per JVM. */
    static NonceAllocator of(long chainId, String account) {
        return ACCOUNTS.computeIfAbsent(chainId + "/" + account.toLowerCase(java.util.Locale.ROOT), k -> new NonceAllocator());
    }

    /** Takes the lock within {@code timeoutMs}; false when another sender held it that long. */
    boolean tryLock(long timeoutMs) throws InterruptedException {
        return lock.tryLock(timeoutMs, TimeUnit.MILLISECONDS);
    }

    void unlock() {
        lock.unlock();
    }

    ReentrantLock lock() {
        return lock;
    }

    /**
     * Moves the next nonce up to what the chain and the journal say: the chain's count of the account's transactions
     * (pending ones included) and one past the highest journaled nonce. Never moves it down.
     */
    synchronized long advance(long chainPendingCount, long journalHighest) {
        next = Math.max(next, Math.max(chainPendingCount, journalHighest + 1));
        return next;
    }

    /** Forgets what it knew and starts from {@code nonce} (the chain used nonces this allocator did not hand out). */
    synchronized void reset(long nonce) {
        next = nonce;
    }

    synchronized boolean started() {
        return next >= 0;
    }

    /** Hands out the next nonce. */
    synchronized long allocate() {
        if (next < 0) {
            throw new IllegalStateException("the nonce allocator has not been started");
        }
        return next++;
    }

    /** Takes back {@code nonce} if it is the last one handed out (nothing was signed and journaled with it). */
    synchronized boolean release(long nonce) {
        if (nonce == next - 1) {
            next--;
            return true;
        }
        return false;
    }

    synchronized long peek() {
        return next;
    }
}
