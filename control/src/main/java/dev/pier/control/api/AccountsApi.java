package dev.pier.control.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.control.store.Page;
import java.util.List;

/**
 * Pier's one account, as Cloudflare's API shows a token its accounts: {@code GET /accounts},
 * {@code GET /accounts/{account_id}} and {@code GET /memberships}, which is how Cloudflare's
 * clients (Wrangler among them) find the account id when none is configured. The account's id is
 * {@link ControlApi#ACCOUNT_ID}, the same on every node and across restarts.
 */
final class AccountsApi {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    static final String NAME = "Pier";

    List<Route> routes() {
        Routes routes = new Routes("Accounts");
        routes.add("GET", "/accounts", Route.Access.ANY_TOKEN, null).doc("listAccounts", "The accounts the token may use: Pier's one")
                .query(QueryParameter.PAGE, QueryParameter.PER_PAGE).to(c -> one(c.request(), account()));
        routes.add("GET", "/accounts/{account_id}", Route.Access.ANY_TOKEN, null).doc("getAccount", "Pier's one account")
                .to(c -> Envelope.success(account()));
        routes.add("GET", "/memberships", Route.Access.ANY_TOKEN, null).doc("listMemberships", "The token's membership of Pier's account")
                .query(QueryParameter.PAGE, QueryParameter.PER_PAGE).to(c -> one(c.request(), membership()));
        return routes.list();
    }

    /** A list of one, paged as Cloudflare's lists are: the first page holds it, a later page is empty. */
    private static ApiResponse one(ApiRequest r, ObjectNode item) {
        int page = QueryParameter.PAGE.read(r);
        int perPage = QueryParameter.PER_PAGE.read(r);
        return Envelope.page(new Page<>(page == 1 ? List.of(item) : List.of(), page, perPage, 1), o -> o);
    }

    /** The account in the shape of Cloudflare's account object. */
    static ObjectNode account() {
        ObjectNode o = F.objectNode().put("id", ControlApi.ACCOUNT_ID).put("name", NAME).put("type", "standard");
        o.putObject("settings").put("enforce_twofactor", false).put("use_account_custom_ns_by_default", false)
                .put("abuse_contact_email", (String) null);
        o.put("created_on", "1970-01-01T00:00:00Z");
        return o;
    }

    private static ObjectNode membership() {
        ObjectNode o = F.objectNode().put("id", ControlApi.ACCOUNT_ID).put("status", "accepted");
        o.set("account", account());
        ArrayNode roles = o.putArray("roles");
        roles.add("Administrator");
        return o;
    }
}
