package dev.pier.control.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the audit log keeps of a ruleset change: the whole ruleset once (the one created, or the
 * one deleted), and for an update the version it replaced and only what changed: the rules added
 * (whole), the ids of those removed, and for each rule changed the fields it changed, before and
 * after; the new order when rules moved; name and description when they changed. A ruleset of
 * many rules edited one rule at a time costs the audit log one rule per change, not the ruleset
 * twice.
 */
final class RulesetAudit {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private RulesetAudit() {
    }

    /** The ruleset whole: for a create's after and a delete's before. */
    static ObjectNode whole(StoredRuleset r) {
        ObjectNode o = reference(r);
        o.set("ruleset", Json.stored(r.json()));
        return o;
    }

    /** Which ruleset and version: an update's before. */
    static ObjectNode reference(StoredRuleset r) {
        return F.objectNode().put("id", r.id()).put("phase", r.phase()).put("version", r.version());
    }

    /** An update's after: the new version and what changed from {@code before}. */
    static ObjectNode changes(StoredRuleset before, StoredRuleset after) {
        JsonNode old = Json.stored(before.json());
        JsonNode now = Json.stored(after.json());
        ObjectNode o = reference(after);
        for (String text : List.of("name", "description")) {
            if (!old.path(text).equals(now.path(text))) {
                o.set(text, now.path(text));
            }
        }
        Map<String, JsonNode> oldRules = byId(old.path("rules"));
        Map<String, JsonNode> newRules = byId(now.path("rules"));
        ArrayNode added = F.arrayNode();
        ArrayNode changed = F.arrayNode();
        ArrayNode removed = F.arrayNode();
        newRules.forEach((id, rule) -> {
            JsonNode was = oldRules.get(id);
            if (was == null) {
                added.add(rule);
            } else if (!was.equals(rule)) {
                changed.add(fieldChanges(id, was, rule));
            }
        });
        oldRules.keySet().stream().filter(id -> !newRules.containsKey(id)).forEach(removed::add);
        ObjectNode rules = F.objectNode();
        if (!added.isEmpty()) {
            rules.set("added", added);
        }
        if (!changed.isEmpty()) {
            rules.set("changed", changed);
        }
        if (!removed.isEmpty()) {
            rules.set("removed", removed);
        }
        List<String> oldOrder = new ArrayList<>(oldRules.keySet());
        oldOrder.retainAll(newRules.keySet());
        List<String> newOrder = new ArrayList<>(newRules.keySet());
        newOrder.retainAll(oldRules.keySet());
        if (!oldOrder.equals(newOrder)) {
            ArrayNode order = rules.putArray("order");
            newRules.keySet().forEach(order::add);
        }
        o.set("rules", rules);
        return o;
    }

    /** The fields of a rule that changed: {@code {"id", "before": {field: old}, "after": {field: new}}}. */
    private static ObjectNode fieldChanges(String id, JsonNode was, JsonNode is) {
        ObjectNode o = F.objectNode().put("id", id);
        ObjectNode before = o.putObject("before");
        ObjectNode after = o.putObject("after");
        for (Iterator<String> keys = was.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!is.has(key)) {
                before.set(key, was.get(key));
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = is.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode old = was.get(field.getKey());
            if (!field.getValue().equals(old)) {
                if (old != null) {
                    before.set(field.getKey(), old);
                }
                after.set(field.getKey(), field.getValue());
            }
        }
        return o;
    }

    /** Rules by id, in order; a rule stored without an id is known by its position. */
    private static Map<String, JsonNode> byId(JsonNode rules) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (int i = 0; i < rules.size(); i++) {
            JsonNode id = rules.get(i).get("id");
            out.put(id != null && id.isTextual() ? id.textValue() : "#" + (i + 1), rules.get(i));
        }
        return out;
    }

}
