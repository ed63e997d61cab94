package dev.pier.control.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.config.IpLiterals;
import dev.pier.control.store.Json;
import dev.pier.control.store.Store;
import dev.pier.control.store.StoredList;
import dev.pier.control.store.StoredListItem;
import dev.pier.control.store.StoredToken;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code /accounts/{account_id}/rules/lists}: IP lists in Cloudflare's shape, usable in any rule as
 * {@code ip.src in $name}. Cloudflare runs item changes as bulk operations; Pier applies them
 * at once and answers with an operation that is already {@code completed}.
 */
final class ListsApi {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Pattern NAME = Pattern.compile("[a-z0-9_]{1,50}");

    /** Cloudflare's largest page of list items, and Pier's default. */
    static final int MAX_ITEMS_PER_PAGE = 500;
    private static final Base64.Encoder CURSOR = Base64.getUrlEncoder().withoutPadding();

    private static final QueryParameter PER_PAGE = QueryParameter.perPage(MAX_ITEMS_PER_PAGE, 1, MAX_ITEMS_PER_PAGE);
    private static final QueryParameter CURSOR_AFTER = QueryParameter.text("cursor", "result_info.cursors.after of the previous page");

    private final Store store;

    ListsApi(Store store) {
        this.store = store;
    }

    List<Route> routes() {
        Routes routes = new Routes("Lists");
        String lists = "/accounts/{account_id}/rules/lists";
        String list = lists + "/{list_id}";
        String items = list + "/items";
        routes.add("GET", lists, Route.Access.ACCOUNT, Permission.LISTS_READ).doc("listLists", "The account's lists").to(c -> all());
        routes.add("POST", lists, Route.Access.ACCOUNT, Permission.LISTS_WRITE).doc("createList", "Create an IP list")
                .body("ListCreate").to(c -> create(RequestJson.object(c.request()), c.token()));
        routes.add("GET", list, Route.Access.ACCOUNT, Permission.LISTS_READ).doc("getList", "One list").to(c -> get(c.param("list_id")));
        routes.add("DELETE", list, Route.Access.ACCOUNT, Permission.LISTS_WRITE).doc("deleteList", "Delete a list no rule names")
                .to(c -> delete(c.param("list_id"), c.token()));
        routes.add("GET", items, Route.Access.ACCOUNT, Permission.LISTS_READ).doc("listListItems",
                "A list's items, a page at a time: result_info.cursors.after is the next page's cursor while more follow")
                .query(PER_PAGE, CURSOR_AFTER).to(c -> items(c.request(), c.param("list_id")));
        routes.add("POST", items, Route.Access.ACCOUNT, Permission.LISTS_WRITE).doc("addListItems", "Add items").body("ListItems")
                .to(c -> putItems(c.param("list_id"), RequestJson.any(c.request()), false, c.token()));
        routes.add("PUT", items, Route.Access.ACCOUNT, Permission.LISTS_WRITE).doc("replaceListItems", "Replace all items")
                .body("ListItems").to(c -> putItems(c.param("list_id"), RequestJson.any(c.request()), true, c.token()));
        routes.add("DELETE", items, Route.Access.ACCOUNT, Permission.LISTS_WRITE).doc("deleteListItems", "Delete items by id")
                .body("ListItemIds").to(c -> deleteItems(c.param("list_id"), RequestJson.object(c.request()), c.token()));
        routes.add("GET", lists + "/bulk_operations/{operation_id}", Route.Access.ACCOUNT, Permission.LISTS_READ)
                .doc("getListBulkOperation", "A bulk operation's status: always completed, as Pier applies changes at once")
                .to(c -> operation(c.param("operation_id")));
        return routes.list();
    }

    private ApiResponse all() {
        ArrayNode out = F.arrayNode();
        store.lists().forEach(l -> out.add(json(l)));
        return Envelope.success(out);
    }

    private ApiResponse get(String id) {
        return Envelope.success(json(find(id)));
    }

    private ApiResponse create(JsonNode body, StoredToken token) {
        String name = body.path("name").asText("");
        String kind = body.path("kind").asText("");
        if (!NAME.matcher(name).matches()) {
            throw ApiException.badRequest(10001, "Invalid list name: '" + name + "' (expected: lower case letters, digits and _, at most 50)");
        }
        if (!kind.equals("ip")) {
            throw ApiException.badRequest(10002, "Invalid list kind: '" + kind + "' (expected: ip; Pier keeps IP lists)");
        }
        FieldLimits.listDescription(body);
        return Envelope.success(json(store.createList(name, kind, body.path("description").asText(""), Credentials.actor(token))));
    }

    private ApiResponse delete(String id, StoredToken token) {
        StoredList list = find(id);
        int references = references(list.name());
        if (references > 0) {
            throw ApiException.badRequest(10005, "List " + list.name() + " is used by " + references
                    + " rule(s) (expected: a list no rule names; remove them first)");
        }
        store.deleteList(id, Credentials.actor(token));
        return Envelope.success(F.objectNode().put("id", id));
    }

    /**
     * One page of a list's items, in Cloudflare's cursor shape: {@code per_page} items (at most
     * 500) after {@code cursor}, and {@code result_info.cursors.after} while more follow.
     */
    private ApiResponse items(ApiRequest r, String id) {
        find(id);
        int perPage = PER_PAGE.read(r);
        String cursor = r.param(CURSOR_AFTER.name());
        String after = cursor == null ? "" : cursorItem(cursor);
        List<StoredListItem> page = store.listItems(id, after, perPage + 1);
        ArrayNode out = F.arrayNode();
        for (StoredListItem i : page.subList(0, Math.min(perPage, page.size()))) {
            out.addObject().put("id", i.id()).put("ip", i.item()).put("comment", i.comment())
                    .put("created_on", i.createdOn().toString()).put("modified_on", i.modifiedOn().toString());
        }
        ObjectNode info = F.objectNode();
        ObjectNode cursors = info.putObject("cursors");
        if (page.size() > perPage) {
            cursors.put("after", CURSOR.encodeToString(page.get(perPage - 1).item().getBytes(StandardCharsets.UTF_8)));
        }
        return Envelope.success(200, out, info, List.of());
    }

    /** The item a cursor this API handed out points after. */
    private static String cursorItem(String cursor) {
        try {
            String item = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (validIp(item)) {
                return item;
            }
        } catch (IllegalArgumentException e) {
            // refused below
        }
        throw ApiException.badRequest(10007, "Invalid cursor: " + cursor + " (expected: result_info.cursors.after of a previous page)");
    }

    /** POST adds, PUT replaces: every item is checked first, so a bad one changes nothing. */
    private ApiResponse putItems(String id, JsonNode body, boolean replace, StoredToken token) {
        find(id);
        if (!body.isArray()) {
            throw ApiException.badRequest(10003, "Invalid items: expected an array such as [{\"ip\": \"192.0.2.0/24\"}]");
        }
        Map<String, String> items = new LinkedHashMap<>();
        for (JsonNode item : body) {
            String ip = item.path("ip").asText("");
            if (!validIp(ip)) {
                throw ApiException.badRequest(10004, "Invalid list item: '" + ip + "' (expected: an IP address or a CIDR range)");
            }
            FieldLimits.listItemComment(item);
            items.put(ip, item.path("comment").asText(""));
        }
        store.putListItems(id, items, replace, Credentials.actor(token));
        return completed();
    }

    private ApiResponse deleteItems(String id, JsonNode body, StoredToken token) {
        find(id);
        List<String> ids = new ArrayList<>();
        body.path("items").forEach(i -> ids.add(FieldLimits.listItemId(i.path("id"))));
        store.deleteListItems(id, ids, Credentials.actor(token));
        return completed();
    }

    private ApiResponse operation(String operationId) {
        return Envelope.success(F.objectNode().put("id", operationId).put("status", "completed"));
    }

    private static ApiResponse completed() {
        return Envelope.success(F.objectNode().put("operation_id", java.util.UUID.randomUUID().toString().replace("-", "")));
    }

    /** How many rules, in every zone, name {@code $name}. */
    private int references(String name) {
        int n = 0;
        for (int page = 1; ; page++) {
            List<dev.pier.control.store.StoredZone> zones = store.zones(null, page, 500).items();
            for (dev.pier.control.store.StoredZone zone : zones) {
                for (dev.pier.control.store.StoredRuleset ruleset : store.rulesets(zone.id())) {
                    for (JsonNode rule : Json.stored(ruleset.json()).path("rules")) {
                        try {
                            if (dev.pier.rules.Expression.parse(dev.pier.waf.WafScheme.SCHEME, rule.path("expression").asText())
                                    .lists().contains(name)) {
                                n++;
                            }
                        } catch (dev.pier.rules.RuleException e) {
                            // stored rules were checked when written; nothing to count in one that no longer parses
                        }
                    }
                }
            }
            if (zones.size() < 500) {
                return n;
            }
        }
    }

    private StoredList find(String id) {
        return store.list(id).orElseThrow(() -> new ApiException(404, new ApiError(10006, "list not found")));
    }

    static boolean validIp(String text) {
        String[] parts = text.split("/", -1);
        if (parts.length > 2 || !IpLiterals.isIp(parts[0])) {
            return false;
        }
        int max = parts[0].indexOf(':') >= 0 ? 128 : 32;
        return parts.length == 1 || parts[1].matches("0|[1-9]\\d{0,2}") && Integer.parseInt(parts[1]) <= max;
    }

    private static ObjectNode json(StoredList l) {
        return F.objectNode().put("id", l.id()).put("name", l.name()).put("kind", l.kind()).put("description", l.description())
                .put("num_items", l.numItems()).put("num_referencing_filters", 0)
                .put("created_on", l.createdOn().toString()).put("modified_on", l.modifiedOn().toString());
    }
}
