package org.satpgateway.it.console;

import com.sun.tools.attach.VirtualMachine;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The MBeans of a running gateway JVM, reached the way JConsole and VisualVM reach a local JVM: attach by pid, start
 * its local management agent, connect.
 */
final class Jmx implements AutoCloseable {
    private final JMXConnector connector;
    private final MBeanServerConnection server;

    private Jmx(JMXConnector connector) throws Exception {
        this.connector = connector;
        this.server = connector.getMBeanServerConnection();
    }

    static Jmx attach(long pid) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
        try {
            String address = vm.startLocalManagementAgent();
            return new Jmx(JMXConnectorFactory.connect(new JMXServiceURL(address)));
        } finally {
            vm.detach();
        }
    }

    Object get(String name, String attribute) throws Exception {
        return server.getAttribute(new ObjectName(name), attribute);
    }

    Object invoke(String name, String operation, Object... args) throws Exception {
        String[] signature = new String[args.length];
        for (int i = 0; i < args.length; i++) {
            signature[i] = args[i].getClass().getName();
        }
        return server.invoke(new ObjectName(name), operation, args, signature);
    }

    boolean registered(String name) throws Exception {
        return server.isRegistered(new ObjectName(name));
    }

    java.util.Set<ObjectName> names(String pattern) throws Exception {
        return server.queryNames(new ObjectName(pattern), null);
    }

    @Override
    public void close() throws Exception {
        connector.close();
    }
}
