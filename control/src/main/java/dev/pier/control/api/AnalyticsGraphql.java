package dev.pier.control.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pier.analytics.store.AnalyticsQuery;
import dev.pier.analytics.store.AnalyticsStore;
import dev.pier.analytics.store.Dimension;
import dev.pier.analytics.store.TrafficRow;
import dev.pier.analytics.store.AnalyticsStoreException;
import dev.pier.control.store.Store;
import dev.pier.control.store.StoredToken;
import dev.pier.control.store.StoredZone;
import graphql.ErrorClassification;
import graphql.ErrorType;
import graphql.ExecutionInput;
import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import graphql.execution.DataFetcherExceptionHandler;
import graphql.execution.DataFetcherExceptionHandlerResult;
import graphql.language.IntValue;
import graphql.language.StringValue;
import graphql.schema.Coercing;
import graphql.schema.CoercingParseLiteralException;
import graphql.schema.CoercingParseValueException;
import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.GraphQLScalarType;
import graphql.schema.GraphQLSchema;
import graphql.schema.SelectedField;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Cloudflare's GraphQL Analytics API over the analytics store, in Cloudflare's schema shape so
 * that its documented queries run unchanged: {@code viewer { zones(filter: {zoneTag}) { ... } } }
 * with the nodes of {@link HttpRequestsNode}, {@link WebSocketConnectionsNode} and {@link SettingsNode}, Cloudflare's scalar names ({@code string},
 * {@code Time}, {@code Date}, {@code uint64}) and input type names. Introspection is on.
 *
 * <p>Every failure is an entry of {@code errors} with {@code message}, {@code path} and
 * {@code extensions} ({@code code}, {@code timestamp}), as Cloudflare's are, beside whatever
 * {@code data} could be answered.
 */
final class AnalyticsGraphql {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "token";
    private static final String ANALYTICS = "analytics";
    static final String ANALYTICS_OFF = "analytics are off on this node (expected: an analytics: block in the configuration,"
            + " docs/ANALYTICS.md)";

    /** The most zones one query reads. */
    static final int MAX_ZONES = 1000;

    private final Store store;
    private final SettingsNode settings;
    private final GraphQL graphql;

    AnalyticsGraphql(Store store) {
        this.store = store;
        List<HttpRequestsNode> nodes = new ArrayList<>();
        nodes.add(HttpRequestsNode.ADAPTIVE);
        nodes.addAll(HttpRequestsNode.ROLLUPS);
        List<SettingsNode.Entry> described = new ArrayList<>();
        nodes.forEach(n -> described.add(new SettingsNode.Entry(n.name(), n.arguments().typePrefix(), n.arguments().limits())));
        described.add(new SettingsNode.Entry(WebSocketConnectionsNode.NAME, WebSocketConnectionsNode.ARGUMENTS.typePrefix(),
                WebSocketConnectionsNode.ARGUMENTS.limits()));
        this.settings = new SettingsNode(described);
        StringBuilder sdl = new StringBuilder("""
                scalar string
                scalar Time
                scalar Date
                scalar uint64
                scalar uint16
                scalar float64
                type Query {
                  viewer: Viewer!
                }
                type Viewer {
                  zones(filter: ZoneFilter_InputObject, limit: uint64): [Zone!]!
                }
                input ZoneFilter_InputObject {
                  zoneTag: string
                  zoneTag_in: [string!]
                }
                type Zone {
                  zoneTag: string!
                """);
        nodes.forEach(n -> sdl.append(n.field()));
        sdl.append(WebSocketConnectionsNode.field());
        sdl.append(settings.field());
        sdl.append("}\n");
        nodes.forEach(n -> sdl.append(n.sdl()));
        sdl.append(WebSocketConnectionsNode.sdl());
        sdl.append(settings.sdl());
        RuntimeWiring.Builder wiring = RuntimeWiring.newRuntimeWiring()
                .scalar(text("string", "Text")).scalar(text("Time", "A time, ISO 8601 in UTC: 2026-12-07T10:00:00Z"))
                .scalar(text("Date", "A day: 2026-12-07")).scalar(number("uint64", "An unsigned 64-bit integer", Long.MAX_VALUE))
                .scalar(number("uint16", "An unsigned 16-bit integer", 65535))
                .scalar(decimal())
                .type("Query", t -> t.dataFetcher("viewer", env -> Map.of()))
                .type("Viewer", t -> t.dataFetcher("zones", this::zones));
        wiring.type("Zone", t -> {
            nodes.forEach(n -> t.dataFetcher(n.name(), env -> groups(n, env)));
            t.dataFetcher(WebSocketConnectionsNode.NAME, this::webSocketGroups);
            t.dataFetcher("settings", this::settings);
            return t;
        });
        GraphQLSchema schema = new SchemaGenerator().makeExecutableSchema(new SchemaParser().parse(sdl.toString()), wiring.build());
        this.graphql = GraphQL.newGraphQL(schema).defaultDataFetcherExceptionHandler(new CloudflareErrors()).build();
    }

    /** The answer's JSON: {@code data} and, when anything failed, {@code errors}. */
    String execute(String query, String operation, Map<String, Object> variables, StoredToken token, AnalyticsStore analytics) {
        ExecutionInput.Builder input = ExecutionInput.newExecutionInput().query(CloudflareVariables.declare(query, graphql.getGraphQLSchema()))
                .variables(variables)
                .graphQLContext(context -> {
                    context.of(TOKEN, token);
                    if (analytics != null) {
                        context.of(ANALYTICS, analytics);
                    }
                });
        if (operation != null) {
            input.operationName(operation);
        }
        ExecutionResult result = graphql.execute(input.build());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("data", result.getData());
        answer.put("errors", result.getErrors().isEmpty() ? null : result.getErrors().stream().map(AnalyticsGraphql::error).toList());
        return json(answer);
    }

    /** An answer of one error and no data, for a request that is not GraphQL at all. */
    static String error(String message) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("data", null);
        answer.put("errors", List.of(error(GraphqlErrorBuilder.newError().message(message).errorType(ErrorType.InvalidSyntax).build())));
        return json(answer);
    }

    private static Map<String, Object> error(GraphQLError error) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("message", error.getMessage());
        json.put("path", error.getPath());
        Map<String, Object> extensions = new LinkedHashMap<>();
        if (error.getExtensions() != null) {
            extensions.putAll(error.getExtensions());
        }
        extensions.putIfAbsent("code", code(error.getErrorType()));
        extensions.put("timestamp", Instant.now().toString());
        json.put("extensions", extensions);
        return json;
    }

    private static String code(ErrorClassification type) {
        if (type == ErrorType.InvalidSyntax) {
            return "parse";
        }
        if (type == ErrorType.ValidationError) {
            return "validation";
        }
        return "execution";
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The zones the filter names, each in the token's scope; without a filter, as Cloudflare's,
     * every zone the token may read, by zoneTag, up to {@code limit}.
     */
    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> zones(DataFetchingEnvironment env) {
        Map<String, Object> filter = env.getArgument("filter");
        StoredToken token = env.getGraphQlContext().get(TOKEN);
        List<String> tags = new ArrayList<>();
        if (filter != null && filter.get("zoneTag") != null) {
            tags.add((String) filter.get("zoneTag"));
        }
        if (filter != null && filter.get("zoneTag_in") != null) {
            tags.addAll((List<String>) filter.get("zoneTag_in"));
        }
        boolean named = !tags.isEmpty();
        if (!named) {
            tags.addAll(token.zoneIds().isEmpty()
                    ? store.zones(null, 1, MAX_ZONES).items().stream().map(StoredZone::id).toList() : token.zoneIds());
            tags.sort(null);
        }
        Number limit = env.getArgument("limit");
        int most = limit == null ? MAX_ZONES : (int) Math.min(limit.longValue(), MAX_ZONES);
        List<Map<String, Object>> zones = new ArrayList<>();
        for (String tag : tags) {
            if (!token.zoneIds().isEmpty() && !token.zoneIds().contains(tag)) {
                throw new IllegalArgumentException("zone " + tag + ": not in this token's scope (expected: a zone the token may read)");
            }
            var zone = store.zone(tag);
            if (zone.isEmpty() && named) {
                throw new IllegalArgumentException("zone " + tag + ": no such zone (expected: a zone's id, as GET /zones lists)");
            }
            if (zone.isPresent() && zones.size() < most) {
                zones.add(Map.of("zoneTag", zone.get().id(), "name", zone.get().name()));
            }
        }
        return zones;
    }

    private List<Map<String, Object>> groups(HttpRequestsNode node, DataFetchingEnvironment env) {
        AnalyticsStore analytics = analytics(env);
        AnalyticsQuery query = query(node.arguments(), analytics, env);
        List<TrafficRow> rows = analytics.traffic(query);
        Map<Instant, Map<Integer, Long>> statuses = null;
        if (env.getSelectionSet().contains("sum/responseStatusMap")) {
            statuses = new HashMap<>();
            AnalyticsQuery byStatus = new AnalyticsQuery(query.zone(), query.from(), query.to(), query.bucket(), query.filters(),
                    List.of(Dimension.STATUS), null, AnalyticsQuery.MAX_LIMIT);
            for (TrafficRow r : analytics.traffic(byStatus)) {
                statuses.computeIfAbsent(r.time(), t -> new TreeMap<>()).put((Integer) r.dimensions().get(Dimension.STATUS), r.requests());
            }
        }
        Map<Instant, Long> uniques = env.getSelectionSet().contains("uniq/uniques") ? HttpRequestsNode.byTime(analytics.uniques(
                new AnalyticsQuery(query.zone(), query.from(), query.to(), query.bucket(), List.of(), List.of(), null, AnalyticsQuery.MAX_LIMIT)))
                : new HashMap<>(); // a row without a bucket has a null time, which an immutable map refuses to look up
        Map<Instant, Map<Integer, Long>> byStatus = statuses;
        return rows.stream().map(r -> node.group(r, byStatus == null ? null : byStatus.getOrDefault(r.time(), Map.of()),
                uniques.get(r.time()))).toList();
    }

    private List<Map<String, Object>> webSocketGroups(DataFetchingEnvironment env) {
        AnalyticsStore analytics = analytics(env);
        return analytics.webSockets(query(WebSocketConnectionsNode.ARGUMENTS, analytics, env)).stream()
                .map(WebSocketConnectionsNode::group).toList();
    }

    private Map<String, Object> settings(DataFetchingEnvironment env) {
        AnalyticsStore analytics = env.getGraphQlContext().get(ANALYTICS);
        Map<String, Object> zone = env.getSource();
        return settings.settings(env.getGraphQLSchema(), analytics == null ? null : analytics.retention(), (String) zone.get("name"));
    }

    private static AnalyticsStore analytics(DataFetchingEnvironment env) {
        AnalyticsStore analytics = env.getGraphQlContext().get(ANALYTICS);
        if (analytics == null) {
            throw new AnalyticsOff();
        }
        return analytics;
    }

    /** The store's question a node's arguments and selection ask, within the node's limits. */
    private static AnalyticsQuery query(NodeArguments arguments, AnalyticsStore analytics, DataFetchingEnvironment env) {
        Map<String, Object> zone = env.getSource();
        String name = (String) zone.get("name");
        arguments.limits().checkFields((int) env.getSelectionSet().getFields().stream()
                .filter(f -> f.getSelectionSet().getImmediateFields().isEmpty()).count());
        List<String> selected = env.getSelectionSet().getFields("dimensions/*").stream().map(SelectedField::getName).toList();
        return arguments.query(name, env.getArgument("limit"), env.getArgument("filter"), env.getArgument("orderBy"), selected,
                Instant.now(), SettingsNode.notOlderThan(analytics.retention(), name));
    }

    private static GraphQLScalarType decimal() {
        return GraphQLScalarType.newScalar().name("float64").description("A 64-bit floating point number")
                .coercing(new Coercing<Number, Number>() {
                    @Override
                    public Number serialize(Object value) {
                        return (Number) value;
                    }

                    @Override
                    public Number parseValue(Object input) {
                        if (input instanceof Number n) {
                            return n.doubleValue();
                        }
                        throw new CoercingParseValueException("float64: '" + input + "' (expected: a number)");
                    }

                    @Override
                    public Number parseLiteral(Object input) {
                        if (input instanceof graphql.language.FloatValue f) {
                            return f.getValue().doubleValue();
                        }
                        if (input instanceof IntValue i) {
                            return i.getValue().doubleValue();
                        }
                        throw new CoercingParseLiteralException("float64: " + input + " (expected: a number)");
                    }
                }).build();
    }

    private static GraphQLScalarType text(String name, String description) {
        return GraphQLScalarType.newScalar().name(name).description(description).coercing(new Coercing<String, String>() {
            @Override
            public String serialize(Object value) {
                return value.toString();
            }

            @Override
            public String parseValue(Object input) {
                if (!(input instanceof String s)) {
                    throw new CoercingParseValueException(name + ": '" + input + "' (expected: a string)");
                }
                return s;
            }

            @Override
            public String parseLiteral(Object input) {
                if (!(input instanceof StringValue s)) {
                    throw new CoercingParseLiteralException(name + ": " + input + " (expected: a string)");
                }
                return s.getValue();
            }
        }).build();
    }

    private static GraphQLScalarType number(String name, String description, long max) {
        return GraphQLScalarType.newScalar().name(name).description(description).coercing(new Coercing<Number, Number>() {
            @Override
            public Number serialize(Object value) {
                return (Number) value;
            }

            @Override
            public Number parseValue(Object input) {
                if (input instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && n.longValue() >= 0 && n.longValue() <= max) {
                    return narrow(n.longValue());
                }
                throw new CoercingParseValueException(name + ": '" + input + "' (expected: an integer from 0 to " + max + ")");
            }

            @Override
            public Number parseLiteral(Object input) {
                if (input instanceof IntValue i && i.getValue().signum() >= 0 && i.getValue().bitLength() < 64
                        && i.getValue().longValue() <= max) {
                    return narrow(i.getValue().longValue());
                }
                throw new CoercingParseLiteralException(name + ": " + input + " (expected: an integer from 0 to " + max + ")");
            }

            private Number narrow(long value) {
                return max <= Integer.MAX_VALUE ? (Number) (int) value : (Number) value;
            }
        }).build();
    }

    /** A node asked of a node without an analytics store. */
    private static final class AnalyticsOff extends IllegalStateException {
        AnalyticsOff() {
            super(ANALYTICS_OFF);
        }
    }

    /** A failure in a field becomes an error with its message, its path and a code, as Cloudflare's. */
    private static final class CloudflareErrors implements DataFetcherExceptionHandler {
        @Override
        public CompletableFuture<DataFetcherExceptionHandlerResult> handleException(
                graphql.execution.DataFetcherExceptionHandlerParameters parameters) {
            Throwable e = parameters.getException();
            String code = e instanceof NodeLimits.NodeLimitExceeded ? "limit"
                    : e instanceof IllegalArgumentException ? "bad_input"
                    : e instanceof AnalyticsStoreException ? "store_unavailable"
                    : e instanceof AnalyticsOff ? "analytics_off" : "internal";
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            GraphQLError error = GraphqlErrorBuilder.newError().message(message).path(parameters.getPath())
                    .location(parameters.getSourceLocation()).extensions(Map.of("code", code)).build();
            return CompletableFuture.completedFuture(DataFetcherExceptionHandlerResult.newResult(error).build());
        }
    }
}
