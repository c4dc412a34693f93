package org.satpgateway.ejb.step;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** A cached state is used only for the log length it was rebuilt from. */
class ReplayCacheTest {

    @Test
    void aStateIsFoundOnlyForItsOwnPosition() {
        ReplayCache<String> cache = new ReplayCache<>(10);
        cache.put("s1", 4, "after 4");
        assertEquals("after 4", cache.get("s1", 4));
        assertNull(cache.get("s1", 5), "the log has grown since: replay");
        assertNull(cache.get("s1", 3));
        assertNull(cache.get("s2", 4));
    }

    @Test
    void aLateCommitNeverReplacesALaterState() {
        ReplayCache<String> cache = new ReplayCache<>(10);
        cache.put("s1", 9, "after 9");
        cache.put("s1", 6, "after 6"); // a step's commit seen after the next step's
        assertEquals("after 9", cache.get("s1", 9));
        assertNull(cache.get("s1", 6));
        cache.put("s1", 11, "after 11");
        assertEquals("after 11", cache.get("s1", 11));
    }

    @Test
    void forgottenAndLeastRecentlyUsedStatesAreGone() {
        ReplayCache<String> cache = new ReplayCache<>(2);
        cache.put("a", 1, "a1");
        cache.put("b", 1, "b1");
        assertEquals("a1", cache.get("a", 1)); // a is now used more recently than b
        cache.put("c", 1, "c1");
        assertEquals(2, cache.size());
        assertNull(cache.get("b", 1));
        assertEquals("a1", cache.get("a", 1));
        cache.forget("a");
        assertNull(cache.get("a", 1));
    }
}
