package dev.pier.workers.js;

import org.graalvm.polyglot.Value;

/** The Java that the fetch, crypto and timers runtime files reach, put on {@code internal} before they run. */
final class JsWebApis {

    private JsWebApis() {
    }

    static void install(JsRealm realm, Value internal) {
        internal.putMember("fetchBridge", new JsFetch(realm));
        internal.putMember("cryptoBridge", new JsCrypto());
        internal.putMember("timersBridge", new JsTimers(realm));
    }
}
