package org.satpgateway.it.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Facts about running processes, from Linux /proc. */
public final class Processes {
    private Processes() {
    }

    /** Resident set size in KiB; 0 if the process is gone or there is no /proc. */
    public static long rssKiB(ProcessHandle process) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException gone) {
            // exited meanwhile
        }
        return 0;
    }
}
