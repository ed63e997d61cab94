package dev.pier.control.api;

import dev.pier.control.store.Ids;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The lengths and characters of the free text the API stores, checked before anything reaches
 * the store: a value the store cannot hold (too long for its column, or NUL, which PostgreSQL
 * refuses in text) must be the client's error with Cloudflare's code, never "store unavailable".
 * Limits are Cloudflare's where Cloudflare documents one, Pier's own where it does not;
 * docs/CONTROL_PLANE.md lists them all.
 */
final class FieldLimits {

    /** A host name: 253 characters in text form (RFC 1035's 255 octets on the wire). */
    static final int HOST_NAME = 253;
    /** Cloudflare's limit on paid plans (100 on Free); error 9313. */
    static final int DNS_COMMENT = 500;
    /** Pier's limits on DNS record tags, which Cloudflare documents by their form ({@code name:value}) only. */
    static final int DNS_TAG = 100;
    static final int DNS_TAGS = 100;
    /** Cloudflare's limits on a list's description and an item's comment. */
    static final int LIST_DESCRIPTION = 500;
    static final int LIST_ITEM_COMMENT = 500;
    /** Pier's limits for rulesets, whose texts Cloudflare documents no limit for. */
    static final int RULESET_NAME = 255;
    static final int RULESET_DESCRIPTION = 500;
    static final int RULE_DESCRIPTION = 500;
    static final int RULE_REF = 64;
    /** Pier's limit on a Worker route's pattern (a host and a path), which Cloudflare documents by its form only. */
    static final int WORKER_ROUTE_PATTERN = 500;
    /** Cloudflare's limit on an API token's name. */
    static final int TOKEN_NAME = 120;
    /** An email is the name of a legacy global key: what the store's column holds. */
    static final int EMAIL = 200;

    private static final Pattern TAG_NAME = Pattern.compile("[A-Za-z0-9_-]+");

    private FieldLimits() {
    }

    /**
     * Null when {@code value} is at most {@code max} characters of text; else what is wrong,
     * worded for an error message. Control characters (C0, DEL, C1: NUL, line breaks, tabs…) and
     * unpaired surrogates are refused: these are one-line texts.
     */
    static String problem(String value, int max) {
        int length = value.codePointCount(0, value.length());
        if (length > max) {
            return length + " characters (expected: at most " + max + ")";
        }
        for (int i = 0, at = 1; i < value.length(); at++) {
            int c = value.codePointAt(i);
            int type = Character.getType(c);
            if (type == Character.CONTROL || type == Character.SURROGATE) {
                return String.format("character %d is U+%04X (expected: text without control characters)", at, c);
            }
            i += Character.charCount(c);
        }
        return null;
    }

    /** The first string anywhere in {@code node} (values and keys) that holds NUL, by its path; null when none does. */
    static String nulAt(JsonNode node, String path) {
        if (node.isTextual()) {
            return node.textValue().indexOf('\0') >= 0 ? path : null;
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String found = nulAt(node.get(i), path + "[" + i + "]");
                if (found != null) {
                    return found;
                }
            }
        }
        for (var fields = node.fields(); node.isObject() && fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            String at = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
            String found = field.getKey().indexOf('\0') >= 0 ? at : nulAt(field.getValue(), at);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- per resource

    /** A DNS record's {@code comment} and {@code tags}, as Cloudflare checks them. */
    static void dnsAttributes(JsonNode body) {
        JsonNode comment = body.get("comment");
        if (comment != null && !comment.isNull()) {
            if (!comment.isTextual()) {
                throw dnsInvalid(9313, "DNS record comment: " + comment.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
                        + " (expected: a string)");
            }
            String text = comment.textValue();
            if (text.codePointCount(0, text.length()) > DNS_COMMENT) {
                throw dnsInvalid(9313, "DNS record comment exceeds the maximum length of " + DNS_COMMENT + " characters.");
            }
            String problem = problem(text, DNS_COMMENT);
            if (problem != null) {
                throw dnsInvalid(9313, "DNS record comment: " + problem);
            }
        }
        JsonNode tags = body.get("tags");
        if (tags == null || tags.isNull()) {
            return;
        }
        if (!tags.isArray() || tags.size() > DNS_TAGS) {
            throw dnsInvalid(1004, "tags: expected an array of at most " + DNS_TAGS + " name:value strings");
        }
        for (JsonNode tag : tags) {
            String text = tag.isTextual() ? tag.textValue() : "";
            int colon = text.indexOf(':');
            String problem = problem(text, DNS_TAG);
            if (colon < 1 || !TAG_NAME.matcher(text.substring(0, colon)).matches() || problem != null) {
                throw dnsInvalid(1004, "tags: " + tag + " (expected: name:value, a name of letters, digits, - and _, at most "
                        + DNS_TAG + " characters, no control characters)");
            }
        }
    }

    static ApiException dnsInvalid(int code, String message) {
        return new ApiException(400, new ApiError(1004, "DNS Validation Error", List.of(new ApiError(code, message))));
    }

    /**
     * A ruleset body's texts: its name and description, each rule's description and ref; and no
     * NUL in any string (expressions and block responses may span lines, but never hold NUL).
     */
    static void ruleset(JsonNode body) {
        String nul = nulAt(body, "");
        if (nul != null) {
            throw ApiException.badRequest(20200, nul + ": holds NUL (expected: text without NUL characters)");
        }
        text(body, "name", RULESET_NAME, "");
        text(body, "description", RULESET_DESCRIPTION, "");
        JsonNode rules = body.path("rules");
        for (int i = 0; i < rules.size(); i++) {
            text(rules.get(i), "description", RULE_DESCRIPTION, "rules[" + i + "].");
            text(rules.get(i), "ref", RULE_REF, "rules[" + i + "].");
        }
    }

    private static void text(JsonNode owner, String key, int max, String path) {
        JsonNode value = owner.get(key);
        if (value != null && value.isTextual()) {
            String problem = problem(value.textValue(), max);
            if (problem != null) {
                throw ApiException.badRequest(20200, path + key + ": " + problem);
            }
        }
    }

    /** A list's description (its name is checked by its pattern). */
    static void listDescription(JsonNode body) {
        JsonNode description = body.get("description");
        if (description != null && !description.isNull()) {
            String problem = description.isTextual() ? problem(description.textValue(), LIST_DESCRIPTION) : "expected a string";
            if (problem != null) {
                throw ApiException.badRequest(10001, "Invalid list description: " + problem);
            }
        }
    }

    /** A list item's comment. */
    static void listItemComment(JsonNode item) {
        JsonNode comment = item.get("comment");
        if (comment != null && !comment.isNull()) {
            String problem = comment.isTextual() ? problem(comment.textValue(), LIST_ITEM_COMMENT) : "expected a string";
            if (problem != null) {
                throw ApiException.badRequest(10004, "Invalid list item comment: " + problem);
            }
        }
    }

    /**
     * Where {@code position.index} (from 1, as Cloudflare counts) puts a rule among {@code rules}:
     * an integer from 1 to one past the last rule, never a number wrapped or clamped into range.
     */
    static int ruleIndex(JsonNode index, int rules) {
        if (!index.isIntegralNumber() || !index.canConvertToInt() || index.intValue() < 1 || index.intValue() > rules + 1) {
            throw ApiException.badRequest(20200, "position.index: " + index + " (expected: a number from 1 to " + (rules + 1) + ")");
        }
        return index.intValue() - 1;
    }

    /** A list item's id, as a delete names it: 32 hex characters, as every item id is. */
    static String listItemId(JsonNode id) {
        if (!id.isTextual() || !Ids.isId(id.textValue())) {
            throw ApiException.badRequest(10003, "Invalid items: item id " + (id.isTextual() && id.textValue().length() > 64 ? "of "
                    + id.textValue().length() + " characters" : id.toString()) + " (expected: {\"items\": [{\"id\": \"<32 hex characters>\"}]})");
        }
        return id.textValue();
    }

    /**
     * Query parameters hold no control characters: they are names, ids and numbers, and one
     * holding NUL reaches PostgreSQL as a parameter it refuses.
     */
    static void queryParameters(ApiRequest r) {
        r.query().forEach((name, values) -> values.forEach(value -> {
            String problem = problem(value, Integer.MAX_VALUE);
            if (problem != null || name.indexOf('\0') >= 0) {
                throw ApiException.badRequest(1004, "Invalid " + (name.indexOf('\0') >= 0 ? "query parameter" : name) + ": "
                        + (problem == null ? "its name holds NUL" : problem));
            }
        }));
    }

    /** An API token's name, or a global key's email: {@code pier token} reports the message. */
    static void tokenName(String name, int max) {
        String problem = name == null || name.isBlank() ? "missing (expected: a name)" : problem(name, max);
        if (problem != null) {
            throw new IllegalArgumentException("token name: " + problem);
        }
    }
}
