package org.satpgateway.ejb.notify;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Payara's notification service, reached at run time: its classes are the server's internals, on no repository the
 * build may use, so they are looked up by name. A notification is published on the server's notification topic
 * (what Payara's own health checks do) and every enabled notifier whose filter lets its level through delivers it.
 * Absent (outside Payara, or another version): nothing is sent here, once noted in the log, and the alert logger's
 * line stands alone.
 */
final class PayaraNotifier {
    private static final Logger LOG = Logger.getLogger(PayaraNotifier.class.getName());
    private static final String PACKAGE = "fish.payara.internal.notification.";

    private static volatile Service service;
    private static volatile boolean unavailable;

    private PayaraNotifier() {
    }

    private record Service(Object topic, Method publish, Object factory, Method newBuilder, Class<?> levelType) {}

    /** Sends one notification; never throws. Returns whether the service took it. */
    static boolean send(String kind, Level severity, String subject, String message) {
        Service s = service();
        if (s == null) {
            return false;
        }
        try {
            Object builder = s.newBuilder().invoke(s.factory());
            builder = call(builder, "eventType", String.class, "SATP-GATEWAY");
            builder = call(builder, "subject", String.class, subject);
            builder = call(builder, "message", String.class, message);
            @SuppressWarnings({"unchecked", "rawtypes"})
            Object level = Enum.valueOf((Class) s.levelType(), severity.intValue() >= Level.SEVERE.intValue() ? "SEVERE"
                    : severity.intValue() >= Level.WARNING.intValue() ? "WARNING" : "INFO");
            builder = call(builder, "level", s.levelType(), level);
            Object notification = builder.getClass().getMethod("build").invoke(builder);
            s.publish().invoke(s.topic(), notification);
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.WARNING, "Payara's notification service did not take the alert " + kind, e);
            return false;
        }
    }

    private static Object call(Object target, String name, Class<?> type, Object value) throws ReflectiveOperationException {
        return target.getClass().getMethod(name, type).invoke(target, value);
    }

    private static Service service() {
        Service s = service;
        if (s != null || unavailable) {
            return s;
        }
        synchronized (PayaraNotifier.class) {
            if (service == null && !unavailable) {
                try {
                    service = lookUp();
                } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                    unavailable = true;
                    LOG.info("no Payara notification service here (" + e + "): alerts go to the alert logger only");
                }
            }
            return service;
        }
    }

    private static Service lookUp() throws ReflectiveOperationException {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        Class<?> globals = Class.forName("org.glassfish.internal.api.Globals", true, loader);
        Object locator = globals.getMethod("getDefaultBaseServiceLocator").invoke(null);
        if (locator == null) {
            throw new IllegalStateException("no service locator");
        }
        Class<?> locatorType = Class.forName("org.glassfish.hk2.api.ServiceLocator", true, loader);
        Class<?> topicType = Class.forName("org.glassfish.hk2.api.messaging.Topic", true, loader);
        Class<?> notificationType = Class.forName(PACKAGE + "PayaraNotification", true, loader);
        Class<?> factoryType = Class.forName(PACKAGE + "PayaraNotificationFactory", true, loader);
        Class<?> levelType = Class.forName(PACKAGE + "EventLevel", true, loader);
        Class<?> injecteeType = Class.forName("org.glassfish.hk2.api.Injectee", true, loader);
        Class<?> injecteeImpl = Class.forName("org.glassfish.hk2.utilities.InjecteeImpl", true, loader);
        Class<?> descriptorType = Class.forName("org.glassfish.hk2.api.ActiveDescriptor", true, loader);
        Class<?> handleType = Class.forName("org.glassfish.hk2.api.ServiceHandle", true, loader);
        // HK2 makes a Topic<PayaraNotification> for an injection point only: ask it as one
        Type topicOfNotifications = new TopicType(topicType, notificationType);
        Object injectee = injecteeImpl.getConstructor(Type.class).newInstance(topicOfNotifications);
        Object descriptor = locatorType.getMethod("getInjecteeDescriptor", injecteeType).invoke(locator, injectee);
        if (descriptor == null) {
            throw new IllegalStateException("no notification topic");
        }
        Object topic = locatorType.getMethod("getService", descriptorType, handleType).invoke(locator, descriptor, null);
        Object factory = locatorType.getMethod("getService", Class.class, Annotation[].class)
                .invoke(locator, factoryType, new Annotation[0]);
        if (topic == null || factory == null) {
            throw new IllegalStateException("no notification topic or factory");
        }
        return new Service(topic, topicType.getMethod("publish", Object.class), factory, factoryType.getMethod("newBuilder"),
                levelType);
    }

    /** {@code Topic<PayaraNotification>} as a type. */
    private record TopicType(Class<?> raw, Class<?> argument) implements ParameterizedType {
        @Override
        public Type[] getActualTypeArguments() {
            return new Type[] {argument};
        }

        @Override
        public Type getRawType() {
            return raw;
        }

        @Override
        public Type getOwnerType() {
            return null;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ParameterizedType p && p.getRawType().equals(raw) && p.getOwnerType() == null
                    && java.util.Arrays.equals(p.getActualTypeArguments(), getActualTypeArguments());
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(getActualTypeArguments()) ^ raw.hashCode();
        }

        @Override
        public String getTypeName() {
            return raw.getName() + "<" + argument.getName() + ">";
        }
    }
}
