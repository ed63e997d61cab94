package dev.pier.config.ruleset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The id of a rule written without one (in a configuration file): 32 hex characters, like the
 * ids Cloudflare gives, derived from the zone, the phase and the rule's {@code ref} (or, without
 * a ref, its position), so that reading the same file again gives the same ids. The request log,
 * the API's single-rule routes and an import into the store all name the rule by it. A rule
 * keeps its id across reorderings when it has a ref; without one, its id is its place.
 */
public final class RuleIds {

    private RuleIds() {
    }

    /**
     * @param position the rule's index in its ruleset, from 0
     */
    public static String of(String zone, Phase phase, String ref, int position) {
        String key = zone + "\n" + phase.id() + "\n" + (ref != null ? "ref:" + ref : "position:" + (position + 1));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Gives every rule of a ruleset body (Cloudflare's JSON shape) that has no {@code id} the one {@link #of} derives. */
    public static void fill(JsonNode rulesetBody, String zone, Phase phase) {
        JsonNode rules = rulesetBody.path("rules");
        for (int i = 0; i < rules.size(); i++) {
            JsonNode rule = rules.get(i);
            if (rule instanceof ObjectNode o && !o.hasNonNull("id") && rules instanceof ArrayNode list) {
                JsonNode ref = o.get("ref");
                ObjectNode withId = o.objectNode().put("id", of(zone, phase, ref != null && ref.isTextual() ? ref.textValue() : null, i));
                o.fields().forEachRemaining(field -> {
                    if (!field.getKey().equals("id")) {
                        withId.set(field.getKey(), field.getValue());
                    }
                });
                list.set(i, withId); // the id first, as Cloudflare writes rules
            }
        }
    }
}
