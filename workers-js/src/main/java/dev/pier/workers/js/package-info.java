/**
 * JavaScript module Workers on GraalJS. {@link dev.pier.workers.js.JsWorkers} loads a script (its
 * main module and the modules it imports) into a {@link dev.pier.workers.Worker}; the runtime
 * reaches it through its script loaders, so the Java API's edge, limits and accounting apply.
 *
 * <ul>
 *   <li>{@link dev.pier.workers.js.JsEngine}: the one engine of the process, and which compiler runs.</li>
 *   <li>{@link dev.pier.workers.js.ModuleFiles}: a script's modules as GraalJS reads them: text, data and JSON
 *       modules made into ES modules, nothing outside the script's folder.</li>
 *   <li>{@link dev.pier.workers.js.JsWorker}: a script, with one {@link dev.pier.workers.js.JsRealm} (a context)
 *       per thread that calls it.</li>
 *   <li>{@link dev.pier.workers.js.JsBridge}: the only Java the JavaScript runtime calls (the Web APIs in
 *       {@code runtime/*.js} are built on it).</li>
 * </ul>
 */
package dev.pier.workers.js;
