package dev.pier.workers.js;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.graalvm.polyglot.Value;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A realm to evaluate Web API code in, as a Worker's code would run it; promises settle before
 * {@link #await} returns. A test class shares one by registering it:
 * {@code @RegisterExtension static final JsConsole js = new JsConsole();} makes its realm, in a
 * folder of its own, before the class's {@code @BeforeAll} methods, and removes the folder after
 * the class.
 */
final class JsConsole implements BeforeAllCallback, AfterAllCallback {

    private static final String WORKER = "export default { fetch() { return new Response('x'); } };";

    private JsRealm realm;
    private Path dir;

    /** A console whose realm is made when the test class that registers it starts. */
    JsConsole() {
    }

    /** A console whose realm is made now, its script in {@code dir}. */
    JsConsole(Path dir) {
        realm = Scripts.worker(dir, WORKER).realm();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("pier-js-console");
        realm = Scripts.worker(dir, WORKER).realm();
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
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
