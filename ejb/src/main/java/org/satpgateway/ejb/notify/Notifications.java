package org.satpgateway.ejb.notify;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends a condition that needs a person to the server's notification service, so that whatever notifiers the admins
 * configured deliver it (Payara's log notifier by default; e-mail, Slack, JMS and others by configuration), and always
 * writes it on the {@code org.satpgateway.alert} logger as well. Without Payara's notification service (outside
 * Payara, or a version without it) the log line is the alert. Plain Java, so that any part of the gateway may send
 * one, the lease keeper just before it stops the JVM included.
 */
public final class Notifications {
    /** The logger every alert is written to, whatever else delivers it. */
    public static final Logger ALERTS = Logger.getLogger("org.satpgateway.alert");

    private Notifications() {
    }

    /** Sends one alert: {@code kind} names the condition, {@code subject} what it is about (a session, a queue). */
    public static void send(String kind, Level severity, String subject, String message) {
        String text = "[" + kind + "] " + (subject == null ? "" : subject + ": ") + message;
        ALERTS.log(severity, text);
        PayaraNotifier.send(kind, severity, "SATP gateway: " + kind + (subject == null ? "" : " (" + subject + ")"), text);
    }
}
