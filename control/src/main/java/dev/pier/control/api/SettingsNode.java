package dev.pier.control.api;

import dev.pier.analytics.store.Retention;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLList;
import graphql.schema.GraphQLNonNull;
import graphql.schema.GraphQLObjectType;
import graphql.schema.GraphQLSchema;
import graphql.schema.GraphQLType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cloudflare's {@code settings} node of a zone: for each data node, whether it is served
 * ({@code enabled}) and its limits ({@code maxDuration}, {@code notOlderThan} in seconds,
 * {@code maxNumberOfFields}, {@code maxPageSize}) and {@code availableFields} (nested ones as
 * their path, {@code sum_edgeResponseBytes}). How far back a node reads is how long the zone's
 * data is kept: its day retention, or 100 years when days are kept for ever.
 */
final class SettingsNode {

    /** {@code notOlderThan} of a zone whose days are kept for ever. */
    static final Duration FOREVER = Duration.ofDays(36_525);

    /** One data node as the settings node describes it. */
    record Entry(String name, String groupType, NodeLimits limits) {
    }

    private final List<Entry> nodes;

    SettingsNode(List<Entry> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    /** How far back a zone's queries may read. */
    static Duration notOlderThan(Retention retention, String zone) {
        Duration day = retention.of(zone).day();
        return day == null ? FOREVER : day;
    }

    String field() {
        return "  \"\"\"Each data node's availability and limits, as Cloudflare's settings node.\"\"\"\n  settings: ZoneSettings!\n";
    }

    String sdl() {
        StringBuilder s = new StringBuilder("type ZoneSettings {\n");
        nodes.forEach(n -> s.append("  ").append(n.name()).append(": Settings!\n"));
        return s.append("}\ntype Settings {\n  enabled: Boolean!\n  maxDuration: uint64!\n  maxNumberOfFields: uint64!\n  maxPageSize: uint64!\n")
                .append("  notOlderThan: uint64!\n  availableFields: [string!]!\n}\n").toString();
    }

    /**
     * The zone's settings.
     *
     * @param retention the analytics store's retention, or null when analytics are off (no node is enabled)
     */
    Map<String, Object> settings(GraphQLSchema schema, Retention retention, String zone) {
        Map<String, Object> settings = new LinkedHashMap<>();
        for (Entry node : nodes) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("enabled", retention != null);
            s.put("maxDuration", node.limits().maxDuration().toSeconds());
            s.put("maxNumberOfFields", (long) node.limits().maxNumberOfFields());
            s.put("maxPageSize", (long) node.limits().maxPageSize());
            s.put("notOlderThan", (retention == null ? FOREVER : notOlderThan(retention, zone)).toSeconds());
            List<String> fields = new ArrayList<>();
            leaves(schema.getObjectType(node.groupType()), "", fields);
            s.put("availableFields", fields);
            settings.put(node.name(), s);
        }
        return settings;
    }

    private static void leaves(GraphQLObjectType type, String prefix, List<String> into) {
        for (GraphQLFieldDefinition f : type.getFieldDefinitions()) {
            GraphQLType t = f.getType();
            while (t instanceof GraphQLNonNull || t instanceof GraphQLList) {
                t = t instanceof GraphQLNonNull n ? n.getWrappedType() : ((GraphQLList) t).getWrappedType();
            }
            if (t instanceof GraphQLObjectType object) {
                leaves(object, prefix + f.getName() + "_", into);
            } else {
                into.add(prefix + f.getName());
            }
        }
    }
}
