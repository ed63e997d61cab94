package dev.pier.waf.managed;

import dev.pier.rules.Context;
import dev.pier.waf.WafScheme;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fills the managed rules' inputs from a request's fields: every place an attacker controls,
 * decoded the way attackers encode (percent-encoding, again and again; HTML entities; SQL
 * comments standing for spaces), lower-cased and with whitespace collapsed, so that one
 * pattern catches every spelling. This is what the OWASP Core Ruleset's transformations do.
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

    private ManagedInputs() {
    }

    @SuppressWarnings("unchecked")
    public static void fill(Context request) {
        List<String> args = new ArrayList<>();
        // the path as sent: URL normalization removes the "../" that path traversal is made of
        Object path = request.get("raw.http.request.uri.path");
        if (path instanceof String p) {
            args.add(Normalizer.normalize(p));
        }
        addAll(args, (Map<String, List<String>>) request.get("http.request.uri.args"));
        addAll(args, (Map<String, List<String>>) request.get("http.request.cookies"));
        List<String> headers = new ArrayList<>();
        Object h = request.get("http.request.headers");
        if (h instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!NOT_INSPECTED.contains(e.getKey())) {
                    for (Object v : (List<?>) e.getValue()) {
                        String value = String.valueOf(v);
                        headers.add(Normalizer.normalize(value));
                        int q = value.indexOf('?');
                        if (q >= 0 && q + 1 < value.length()) {
                            // a URL in a header (Referer): its query arguments one by one, as for the request's own
                            for (String pair : value.substring(q + 1).split("&")) {
                                headers.add(Normalizer.normalize(pair.substring(pair.indexOf('=') + 1)));
                            }
                        }
                    }
                }
            }
        }
        Object raw = request.get("raw.http.request.uri");
        request.set(WafScheme.ARGS, args)
                .set(WafScheme.HEADERS, headers)
                .set(WafScheme.RAW_URI, raw instanceof String s ? s : "");
    }

    /**
     * Every input of a request the managed rules look at, for the prefilter of the rules over
     * the whole request: the normalised inputs and the request target as received.
     */
    @SuppressWarnings("unchecked")
    static List<String> all(Context request) {
        List<String> out = new ArrayList<>((List<String>) request.get(WafScheme.ARGS));
        out.addAll((List<String>) request.get(WafScheme.HEADERS));
        out.add((String) request.get(WafScheme.RAW_URI));
        return out;
    }

    private static void addAll(List<String> out, Map<String, List<String>> map) {
        if (map == null) {
            return;
        }
        for (Map.Entry<String, List<String>> e : map.entrySet()) {
            out.add(Normalizer.normalize(e.getKey()));
            for (String v : e.getValue()) {
                out.add(Normalizer.normalize(v));
            }
        }
    }
}
