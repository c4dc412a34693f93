package org.satpgateway.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Small helpers for the processes the launcher starts. */
public final class Processes {
    private Processes() {}

    /** Resident memory of a process in MiB (from /proc), or -1 when it is gone. */
    public static long rssMiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException gone) {
            // the process ended
        }
        return -1;
    }

    /** Resident set size in KiB; 0 if the process is gone or there is no /proc. */
    public static long rssKiB(ProcessHandle process) {
        return statusKiB(process.pid(), "VmRSS:");
    }

    /** Peak resident set size since the process started, in KiB; 0 if it is gone. */
    public static long peakRssKiB(long pid) {
        return statusKiB(pid, "VmHWM:");
    }

    private static long statusKiB(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException gone) {
            // exited meanwhile
        }
        return 0;
    }

    /**
     * CPU time the process has used so far (user plus system, all its threads) in milliseconds, from
     * {@code /proc/<pid>/stat}; -1 when it is gone. Clock ticks are taken as 100 a second, Linux's USER_HZ.
     */
    public static long cpuMillis(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the command name (field 2) may hold spaces: the fields after it start behind its closing parenthesis
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
        } catch (IOException | RuntimeException gone) {
            return -1;
        }
    }

    /** SIGTERM, then SIGKILL after {@code grace}. */
    public static void stop(Process p, Duration grace) {
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
    }

    /** kill -9, and wait until the process is gone. */
    public static void kill9(Process p) {
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static long lineCount(Path log) throws IOException {
        if (!Files.exists(log)) {
            return 0;
        }
        try (var lines = Files.lines(log, java.nio.charset.StandardCharsets.ISO_8859_1)) {
            return lines.count();
        }
    }
}
