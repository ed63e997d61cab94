package dev.pier.autobahn;

import dev.pier.workers.runtime.objects.LiveObjects;
import dev.pier.workers.runtime.objects.ObjectMetrics;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The Durable Object edge's figures, carried from the servers to the verdicts step through the
 * platform MBean server: both run in the Maven JVM, but the servers from a private copy of the
 * classes ({@link PrivateClasspath}), so no class of this module is shared between them. Each
 * namespace is published as {@code dev.pier.autobahn:type=DurableObjects,namespace=<name>}.
 */
final class HibernationFigures implements HibernationFiguresMXBean {

    static final String DOMAIN = "dev.pier.autobahn";
    private final ObjectMetrics metrics;

    private HibernationFigures(ObjectMetrics metrics) {
        this.metrics = metrics;
    }

    /** Publishes {@code objects}' figures (the runtime calls this for each namespace it deploys). */
    static void publish(LiveObjects objects) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = name(objects.name());
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
            server.registerMBean(new HibernationFigures(objects.metrics()), name);
        } catch (JMException e) {
            throw new IllegalStateException("autobahn: cannot publish the figures of " + objects.name(), e);
        }
    }

    /** One namespace's figures as read, and what they say about the run. */
    record Figures(String namespace, long requests, long messagesIn, long constructions, long evictions, long wakeUps, long errors) {

        /** The objects left memory while their WebSockets stayed open, and their next events brought them back. */
        boolean hibernated() {
            return evictions > 0 && wakeUps > 0;
        }

        String text() {
            return String.format("autobahn: Durable Objects %s: %d requests, %d messages in, %d constructions, %d evictions,"
                    + " %d wake-ups, %d errors%n", namespace, requests, messagesIn, constructions, evictions, wakeUps, errors);
        }
    }

    /** The figures of every namespace published in this JVM, by name; empty when none was. */
    static List<Figures> read() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        List<Figures> figures = new ArrayList<>();
        try {
            Set<ObjectName> names = new TreeSet<>(server.queryNames(new ObjectName(DOMAIN + ":type=DurableObjects,*"), null));
            for (ObjectName name : names) {
                figures.add(new Figures(ObjectName.unquote(name.getKeyProperty("namespace")), (Long) server.getAttribute(name, "Requests"),
                        (Long) server.getAttribute(name, "MessagesIn"), (Long) server.getAttribute(name, "Constructions"),
                        (Long) server.getAttribute(name, "Evictions"), (Long) server.getAttribute(name, "WakeUps"),
                        (Long) server.getAttribute(name, "Errors")));
            }
        } catch (JMException e) {
            throw new IllegalStateException("autobahn: cannot read the Durable Objects' figures", e);
        }
        return figures;
    }

    private static ObjectName name(String namespace) throws JMException {
        return new ObjectName(DOMAIN + ":type=DurableObjects,namespace=" + ObjectName.quote(namespace));
    }

    @Override
    public long getRequests() {
        return metrics.requests();
    }

    @Override
    public long getMessagesIn() {
        return metrics.messagesIn();
    }

    @Override
    public long getConstructions() {
        return metrics.constructions();
    }

    @Override
    public long getEvictions() {
        return metrics.evictions();
    }

    @Override
    public long getWakeUps() {
        return metrics.wakeUps();
    }

    @Override
    public long getErrors() {
        return metrics.exceptions() + metrics.resets(); // events that threw, and objects reset: an echo object has neither
    }
}
