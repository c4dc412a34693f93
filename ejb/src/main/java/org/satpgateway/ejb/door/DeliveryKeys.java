package org.satpgateway.ejb.door;

import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The delivery keys ({@code Idempotency-Key}) of the messages the door put on the inbound queue lately, kept once
 * their transaction committed. A repeated delivery (the counterpart did not see the 202, say) is answered 202 again
 * and not queued twice: it is already durably there. The broker's duplicate detection stays as the line behind this
 * one (after a restart this memory is empty; the door's send drops a repeated key there), and the session's log
 * decides what a duplicate changes: nothing.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class DeliveryKeys {
    /** As many as the broker's duplicate-id cache of an address keeps. */
    static final int CAPACITY = 20_000;

    private final Map<String, Boolean> recent = new LinkedHashMap<>(1024, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > CAPACITY;
        }
    };

    /** True when a message with this key was queued (and committed) before. */
    public synchronized boolean queued(String key) {
        return recent.containsKey(key);
    }

    /** Records a key whose message is durably on the inbound queue (its send returned). */
    public synchronized void committed(String key) {
        recent.put(key, Boolean.TRUE);
    }
}
