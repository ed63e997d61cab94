package dev.pier.workers.js;

import dev.pier.workers.DurableObject;
import dev.pier.workers.DurableObjectState;
import dev.pier.workers.Env;
import dev.pier.workers.ResourceLimitException;
import dev.pier.workers.host.DurableObjectClass;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Value;

/**
 * A class a JavaScript module Worker exports, as the runtime constructs Durable Objects: each
 * instance is made in one of the script's object contexts ({@link JsWorker#objectRealm()}) and
 * stays bound to it, all its events calling into that context.
 */
final class JsObjectClass implements DurableObjectClass {

    private final JsWorker script;
    private final String exportName;

    JsObjectClass(JsWorker script, String exportName) {
        this.script = script;
        this.exportName = exportName;
    }

    @Override
    public String name() {
        return exportName + " (" + script.name() + ")";
    }

    @Override
    public DurableObject construct(DurableObjectState state, Env env) {
        JsRealm realm = script.objectRealm();
        JsObjectState handle = new JsObjectState(state);
        Value[] made = new Value[1];
        realm.run(() -> {
            try {
                made[0] = realm.internal("constructObject").execute(realm.exported(exportName), handle, realm.env(env));
            } catch (PolyglotException e) {
                throw realm.failure("new " + exportName + "(ctx, env): ", e);
            }
        });
        if (made[0] == null) { // the context was stopped before the constructor could run in it
            ResourceLimitException why = realm.stoppedFor();
            throw why != null ? why : new IllegalStateException("new " + exportName + "(ctx, env): the constructor did not run");
        }
        return new JsDurableObject(realm, handle, made[0].getArrayElement(0), made[0].getArrayElement(1));
    }
}
