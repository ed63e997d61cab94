package dev.pier.waf.managed;

import dev.pier.rules.Context;
import dev.pier.waf.WafScheme;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fills the managed rules' inputs from a request's fields: every place an attacker controls,
 * in its decoded and uncommented views ({@link View}): decoded the way attackers encode
 * (percent-encoding, again and again; HTML entities), lower-cased and with whitespace
 * collapsed, so that one pattern catches every spelling; then without comments. (The SQL view
 * is made from these where a rule looks at it.) What a comment holds is an input of its own,
 * and so is the input with its comment markers taken out: a comment around an attack, or
 * across it, hides nothing. This is what the OWASP Core Ruleset's transformations and
 * {@code multiMatch} do.
 */
public final class ManagedInputs {

    /** The request fields the inputs are made from. */
    public static final Set<String> SOURCES = Set.of("raw.http.request.uri", "raw.http.request.uri.path", "http.request.uri.args",
            "http.request.cookies", "http.request.headers");

    /**
     * Headers whose values browsers and WebSocket clients fill themselves in a fixed grammar;
     * inspecting them would only find false positives. Cookies are inspected one by one.
     * Origin, Sec-WebSocket-Protocol and Accept-Language are inspected: any client can put
     * anything there, and origins do read them (the benign corpora show no false positive).
     */
    private static final Set<String> NOT_INSPECTED = Set.of("host", "connection", "upgrade", "sec-websocket-key",
            "sec-websocket-version", "sec-websocket-extensions", "accept", "accept-encoding",
            "cache-control", "pragma", "cookie", "authorization", "sec-fetch-site", "sec-fetch-mode",
            "sec-fetch-dest", "sec-fetch-user", "sec-ch-ua", "sec-ch-ua-mobile", "sec-ch-ua-platform", "dnt",
            "upgrade-insecure-requests", "priority", "if-none-match", "if-modified-since", "te");

    /** The views held in fields; the SQL view is made from them where a rule looks at it. */
    private static final View[] VIEWS = {View.DECODED, View.UNCOMMENTED};

    private ManagedInputs() {
    }

    @SuppressWarnings("unchecked")
    public static void fill(Context request) {
        Views args = new Views();
        // the path as sent: URL normalization removes the "../" that path traversal is made of
        Object path = request.get("raw.http.request.uri.path");
        if (path instanceof String p) {
            args.add(p);
        }
        addAll(args, (Map<String, List<String>>) request.get("http.request.uri.args"));
        addAll(args, (Map<String, List<String>>) request.get("http.request.cookies"));
        Views headers = new Views();
        Object h = request.get("http.request.headers");
        if (h instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!NOT_INSPECTED.contains(e.getKey())) {
                    for (Object v : (List<?>) e.getValue()) {
                        String value = String.valueOf(v);
                        headers.add(value);
                        int q = value.indexOf('?');
                        if (q >= 0 && q + 1 < value.length()) {
                            // a URL in a header (Referer): its query arguments one by one, as for the request's own
                            for (String pair : value.substring(q + 1).split("&")) {
                                headers.add(pair.substring(pair.indexOf('=') + 1));
                            }
                        }
                    }
                }
            }
        }
        args.into(request, ManagedRuleset.Target.ARGS);
        headers.into(request, ManagedRuleset.Target.HEADERS);
        Object raw = request.get("raw.http.request.uri");
        request.set(WafScheme.RAW_URI, raw instanceof String s ? s : "");
    }

    /**
     * Every input of a request the managed rules look at, in every view, for the prefilter of
     * the rules over the whole request; and the request target as received.
     */
    @SuppressWarnings("unchecked")
    static List<String> all(Context request) {
        List<String> out = new ArrayList<>();
        for (ManagedRuleset.Target target : ManagedRuleset.Target.values()) {
            for (View view : VIEWS) {
                out.addAll((List<String>) request.get(view.field(target)));
            }
        }
        out.add((String) request.get(WafScheme.RAW_URI));
        return out;
    }

    private static void addAll(Views out, Map<String, List<String>> map) {
        if (map == null) {
            return;
        }
        for (Map.Entry<String, List<String>> e : map.entrySet()) {
            out.add(e.getKey());
            for (String v : e.getValue()) {
                out.add(v);
            }
        }
    }

    /**
     * One target's inputs in the views held in fields: each input's decoded view, and its
     * uncommented view where that differs (a rule that looks at the uncommented view looks at the
     * decoded one too, so the same text is not looked at twice). For an input with comments, the input
     * without their markers and each comment's body follow, as inputs of their own.
     */
    private static final class Views {

        @SuppressWarnings("unchecked")
        private final List<String>[] byView = new List[VIEWS.length];

        Views() {
            for (int v = 0; v < VIEWS.length; v++) {
                byView[v] = new ArrayList<>(v == 0 ? 8 : 2);
            }
        }

        void add(String raw) {
            addDecoded(Normalizer.decoded(raw), Normalizer.COMMENT_DEPTH);
        }

        private void addDecoded(String decoded, int depth) {
            byView[View.DECODED.ordinal()].add(decoded);
            String uncommented = Normalizer.uncommented(decoded);
            if (!uncommented.equals(decoded)) {
                byView[View.UNCOMMENTED.ordinal()].add(uncommented);
            }
            if (depth > 0) {
                List<String> bodies = Normalizer.commentBodies(decoded);
                if (!bodies.isEmpty()) {
                    addDecoded(Normalizer.unmarked(decoded), 0);
                    for (String body : bodies) {
                        addDecoded(body, depth - 1);
                    }
                }
            }
        }

        void into(Context request, ManagedRuleset.Target target) {
            for (View view : VIEWS) {
                request.set(view.field(target), byView[view.ordinal()]);
            }
        }
    }
}
