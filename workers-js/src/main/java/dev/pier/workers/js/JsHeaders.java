package dev.pier.workers.js;

import dev.pier.workers.Headers;
import java.util.List;
import java.util.Map;
import org.graalvm.polyglot.Value;

/** Headers as they cross between Java and JavaScript: one flat array of name, value, name, value… */
final class JsHeaders {

    private JsHeaders() {
    }

    /** Headers from a JavaScript array of names and values. */
    static Headers of(Value flat) {
        Headers headers = new Headers();
        long n = flat.getArraySize();
        for (long i = 0; i + 1 < n; i += 2) {
            headers.append(flat.getArrayElement(i).asString(), flat.getArrayElement(i + 1).asString());
        }
        return headers;
    }

    /** The headers as name, value, name, value… in order. */
    static String[] flat(Headers headers) {
        List<Map.Entry<String, String>> entries = headers.entries();
        String[] flat = new String[entries.size() * 2];
        for (int i = 0; i < entries.size(); i++) {
            flat[2 * i] = entries.get(i).getKey();
            flat[2 * i + 1] = entries.get(i).getValue();
        }
        return flat;
    }
}
