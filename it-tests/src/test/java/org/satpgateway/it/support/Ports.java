package org.satpgateway.it.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/** Free TCP ports on 127.0.0.1 for the servers a test starts. */
public final class Ports {
    private Ports() {
    }

    /** A port the system chooses. */
    public static int free() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * A port in [from, to] that is free now, tried from a random start so that tests running side by side rarely
     * pick the same one (they each bind it soon after).
     */
    @SuppressWarnings("try") // the socket only proves the port free
    public static int free(int from, int to) {
        int count = to - from + 1;
        int start = ThreadLocalRandom.current().nextInt(count);
        for (int i = 0; i < count; i++) {
            int port = from + (start + i) % count;
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException inUse) {
                // next one
            }
        }
        throw new IllegalStateException("no free port in " + from + "-" + to);
    }
}
