package dev.pier.workers.js;

import org.graalvm.polyglot.Engine;

/**
 * The one GraalJS engine of the process: every script's contexts share it, so code parsed (and
 * compiled) for one context serves the others. Created on first use, with one log line saying
 * whether GraalJS's optimizing compiler runs (the JVM was started with JVMCI and the Graal compiler,
 * as {@code ./pier} does when the compiler's jar is there) or only its interpreter.
 */
public final class JsEngine {

    private static final org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(JsEngine.class);

    private JsEngine() {
    }

    private static final class Holder {
        static final Engine ENGINE = create();
    }

    /** The shared engine. */
    public static Engine engine() {
        return Holder.ENGINE;
    }

    /** Whether code is compiled to machine code after warm-up (else interpreted only). */
    public static boolean optimizing() {
        return !"Interpreted".equals(engine().getImplementationName());
    }

    private static Engine create() {
        Engine engine = Engine.newBuilder("js")
                .option("engine.WarnInterpreterOnly", "false") // the line below says it once, in Pier's log
                .build();
        String runtime = engine.getImplementationName();
        if ("Interpreted".equals(runtime)) {
            logger.info("JavaScript Workers: GraalJS {} in interpreter mode (no optimizing compiler: the JVM runs without JVMCI and the "
                    + "Graal compiler; ./pier adds them when the compiler's jar is in cli/target/lib, except with PIER_JS_INTERPRETER=1)", engine.getVersion());
        } else {
            logger.info("JavaScript Workers: GraalJS {} with the optimizing compiler ({})", engine.getVersion(), runtime);
        }
        return engine;
    }
}
