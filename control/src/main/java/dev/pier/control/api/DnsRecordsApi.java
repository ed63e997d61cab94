package dev.pier.control.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.config.IpLiterals;
import dev.pier.control.StoredZones;
import dev.pier.control.store.Page;
import dev.pier.control.store.Store;
import dev.pier.control.store.StoredDnsRecord;
import dev.pier.control.store.StoredToken;
import dev.pier.control.store.StoredZone;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@code /zones/{id}/dns_records}: list, create, read, replace (PUT), edit (PATCH) and delete A,
 * AAAA and CNAME records in Cloudflare's shape. Only proxied records are served by the edge.
 */
final class DnsRecordsApi {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Pattern HOST = Pattern.compile("(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

    private static final QueryParameter TYPE = QueryParameter.text("type", "A, AAAA or CNAME");
    private static final QueryParameter NAME = QueryParameter.text("name", "An exact record name");
    /** Cloudflare's paging: 100 a page by default, 5,000,000 at most. */
    private static final QueryParameter PAGE = QueryParameter.page(Integer.MAX_VALUE);
    private static final QueryParameter PER_PAGE = QueryParameter.perPage(100, 5, 5_000_000);

    private final Store store;

    DnsRecordsApi(Store store) {
        this.store = store;
    }

    List<Route> routes() {
        Routes routes = new Routes("DNS records");
        String records = "/zones/{zone_id}/dns_records";
        String record = records + "/{dns_record_id}";
        routes.add("GET", records, Route.Access.ZONE, Permission.ZONE_READ).doc("listDnsRecords", "List DNS records")
                .query(TYPE, NAME, PAGE, PER_PAGE).to(c -> list(c.request(), c.zone()));
        routes.add("POST", records, Route.Access.ZONE, Permission.DNS_WRITE).doc("createDnsRecord", "Create an A, AAAA or CNAME record")
                .body("DnsRecord").to(c -> create(c.request(), c.zone(), c.token()));
        routes.add("GET", record, Route.Access.ZONE, Permission.ZONE_READ).doc("getDnsRecord", "One DNS record")
                .to(c -> get(c.zone(), c.param("dns_record_id")));
        routes.add("PUT", record, Route.Access.ZONE, Permission.DNS_WRITE).doc("replaceDnsRecord", "Replace a DNS record")
                .body("DnsRecord").to(c -> update(c.request(), c.zone(), c.param("dns_record_id"), c.token(), false));
        routes.add("PATCH", record, Route.Access.ZONE, Permission.DNS_WRITE)
                .doc("editDnsRecord", "Edit a DNS record: the fields the body leaves out keep their values").body("DnsRecordChanges")
                .to(c -> update(c.request(), c.zone(), c.param("dns_record_id"), c.token(), true));
        routes.add("DELETE", record, Route.Access.ZONE, Permission.DNS_WRITE).doc("deleteDnsRecord", "Delete a DNS record")
                .to(c -> delete(c.zone(), c.param("dns_record_id"), c.token()));
        return routes.list();
    }

    private ApiResponse list(ApiRequest r, StoredZone zone) {
        String type = r.param(TYPE.name());
        String name = r.param(NAME.name());
        List<StoredDnsRecord> all = store.dnsRecords(zone.id()).stream()
                .filter(d -> type == null || d.type().equalsIgnoreCase(type))
                .filter(d -> name == null || d.name().equalsIgnoreCase(name)).toList();
        Page<StoredDnsRecord> page = Page.slice(all, PAGE.read(r), PER_PAGE.read(r));
        return Envelope.page(page, d -> json(d, zone));
    }

    private ApiResponse get(StoredZone zone, String id) {
        return Envelope.success(json(find(zone, id), zone));
    }

    private ApiResponse create(ApiRequest r, StoredZone zone, StoredToken token) {
        Record d = ownName(read(RequestJson.object(r), zone, null), zone);
        return Envelope.success(json(store.createDnsRecord(zone.id(), d.type, d.name, d.content, d.proxied, d.ttl,
                Credentials.actor(token)), zone));
    }

    /** PUT replaces every field; PATCH keeps the fields the body leaves out. */
    private ApiResponse update(ApiRequest r, StoredZone zone, String id, StoredToken token, boolean patch) {
        StoredDnsRecord before = find(zone, id);
        Record d = ownName(read(RequestJson.object(r), zone, patch ? before : null), zone);
        return Envelope.success(json(store.updateDnsRecord(zone.id(), id, d.type, d.name, d.content, d.proxied, d.ttl,
                Credentials.actor(token)), zone));
    }

    private ApiResponse delete(StoredZone zone, String id, StoredToken token) {
        find(zone, id);
        store.deleteDnsRecord(zone.id(), id, Credentials.actor(token));
        return Envelope.success(F.objectNode().put("id", id));
    }

    private StoredDnsRecord find(StoredZone zone, String id) {
        return store.dnsRecord(zone.id(), id).orElseThrow(() -> new ApiException(404, new ApiError(81044, "Record does not exist.")));
    }

    private record Record(String type, String name, String content, boolean proxied, int ttl) {
    }

    /** Reads and checks a record; {@code base} gives the values a PATCH leaves out. */
    private static Record read(JsonNode body, StoredZone zone, StoredDnsRecord base) {
        String type = text(body, "type", base == null ? null : base.type());
        String name = text(body, "name", base == null ? null : base.name());
        String content = text(body, "content", base == null ? null : base.content());
        boolean proxied = body.has("proxied") ? body.get("proxied").asBoolean() : base == null || base.proxied();
        int ttl = body.has("ttl") ? ttl(body.get("ttl")) : base == null ? 1 : base.ttl();
        if (type == null || name == null || content == null) {
            throw invalid(9000, "A record needs a type, a name and a content");
        }
        FieldLimits.dnsAttributes(body);
        type = type.toUpperCase(Locale.ROOT);
        name = name.toLowerCase(Locale.ROOT);
        if (name.equals("@")) {
            name = zone.name();
        } else if (!name.equals(zone.name()) && !name.endsWith("." + zone.name())) {
            name = name + "." + zone.name(); // Cloudflare accepts a name relative to the zone
        }
        if (name.length() > FieldLimits.HOST_NAME) {
            throw invalid(9007, "Invalid record name: " + name.length() + " characters (expected: at most " + FieldLimits.HOST_NAME + ")");
        }
        if (!HOST.matcher(name).matches()) {
            throw invalid(9007, "Invalid record name: " + name);
        }
        switch (type) {
            case "A" -> {
                if (!IpLiterals.isIpv4(content)) {
                    throw invalid(9005, "Content for A record must be a valid IPv4 address.");
                }
            }
            case "AAAA" -> {
                if (!IpLiterals.isIpv6(content)) {
                    throw invalid(9006, "Content for AAAA record must be a valid IPv6 address.");
                }
            }
            case "CNAME" -> {
                if (content.length() > FieldLimits.HOST_NAME || !HOST.matcher(content.toLowerCase(Locale.ROOT)).matches()
                        || content.startsWith("*.")) {
                    throw invalid(9007, "Content for CNAME record must be a valid host name.");
                }
            }
            default -> throw invalid(9004, "Record type " + type + " is not served by Pier (expected: A, AAAA or CNAME)");
        }
        return new Record(type, name, content, proxied, ttl);
    }

    /** A TTL as Cloudflare takes it: a JSON integer, 1 for automatic or 30 to 86400; never a value wrapped into range. */
    private static int ttl(JsonNode ttl) {
        if (!ttl.isIntegralNumber() || !ttl.canConvertToInt() || ttl.intValue() != 1 && (ttl.intValue() < 30 || ttl.intValue() > 86_400)) {
            throw invalid(9021, "Invalid TTL (expected: 1 for automatic, or 30 to 86400)");
        }
        return ttl.intValue();
    }

    private static String text(JsonNode body, String key, String fallback) {
        JsonNode v = body.get(key);
        return v == null || v.isNull() ? fallback : v.asText();
    }

    /** Refuses a name that a zone nested in this one owns: the edge would route it there. */
    private Record ownName(Record d, StoredZone zone) {
        String owner = StoredZones.nestedOwner(store, zone.name(), d.name);
        if (owner != null) {
            throw invalid(9007, "Invalid record name: " + d.name + " belongs to zone " + owner + " (expected: the record in that zone)");
        }
        return d;
    }

    private static ApiException invalid(int code, String message) {
        return FieldLimits.dnsInvalid(code, message);
    }

    private static ObjectNode json(StoredDnsRecord d, StoredZone zone) {
        ObjectNode o = F.objectNode().put("id", d.id()).put("zone_id", zone.id()).put("zone_name", zone.name())
                .put("name", d.name()).put("type", d.type()).put("content", d.content()).put("proxiable", true)
                .put("proxied", d.proxied()).put("ttl", d.ttl()).put("locked", false);
        o.putNull("comment");
        o.putArray("tags");
        o.put("created_on", d.createdOn().toString()).put("modified_on", d.modifiedOn().toString());
        return o;
    }
}
