package dev.pier.workers.js;

import java.nio.file.Path;
import org.graalvm.polyglot.Value;

/** A realm to evaluate Web API code in, as a Worker's code would run it; promises settle before {@link #await} returns. */
final class JsConsole {

    private final JsRealm realm;

    JsConsole(Path dir) {
        realm = Scripts.worker(dir, "export default { fetch() { return new Response('x'); } };").realm();
    }

    /** The value of an expression, as a string (String(value)), or the error it threw as "Name: message". */
    String eval(String expression) {
        Value v = realm.eval("test.js", "(() => { try { const __v = (" + expression + "); return typeof __v === 'string' ? __v : "
                + "JSON.stringify(__v) ?? String(__v); } catch (e) { return e.name + ': ' + e.message; } })()");
        return v.asString();
    }

    /** The value an async expression settles to (String or JSON), or its error as "Name: message". */
    String await(String expression) {
        realm.eval("test.js", "globalThis.__out = undefined; (async () => (" + expression + "))().then("
                + "(v) => { globalThis.__out = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v); },"
                + "(e) => { globalThis.__out = e.name + ': ' + e.message; });");
        return realm.eval("test.js", "String(globalThis.__out)").asString();
    }

    /** Runs statements. */
    void run(String statements) {
        realm.eval("test.js", statements);
    }

    JsRealm realm() {
        return realm;
    }
}
