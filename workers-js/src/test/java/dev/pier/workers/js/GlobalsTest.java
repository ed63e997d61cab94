package dev.pier.workers.js;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** atob/btoa, structuredClone, queueMicrotask, navigator and TextEncoder.encodeInto against the HTML and Encoding standards. */
class GlobalsTest {

    @RegisterExtension
    static final JsConsole js = new JsConsole();

    @Test
    void btoaEncodesLatin1AndAtobDecodesForgivingBase64() {
        assertThat(js.eval("[btoa(''), btoa('f'), btoa('fo'), btoa('foo'), btoa('foob'), btoa('\\u00ff\\u00fe\\u0000')]"))
                .isEqualTo("[\"\",\"Zg==\",\"Zm8=\",\"Zm9v\",\"Zm9vYg==\",\"//4A\"]");
        assertThat(js.eval("btoa('€')")).startsWith("InvalidCharacterError: btoa: the string has a character outside Latin-1");
        assertThat(js.eval("[atob('Zm9vYg=='), atob('Zm9vYg'), atob(' Zm9v\\nYg = = '.replace(/ = = $/, '==')), atob(''), atob('//4A').length]"))
                .isEqualTo("[\"foob\",\"foob\",\"foob\",\"\",3]");
        // Forgiving base64: ASCII whitespace anywhere is dropped; padding only as the last one or two of a multiple of four.
        assertThat(js.eval("atob(' Z g = = ')")).isEqualTo("f");
        for (String bad : new String[] {"Zm9vY", "Zg=", "Zg===", "Zm9v=Yg==", "Zm9v!", "Zg==Zg==", "é"}) {
            assertThat(js.eval("atob('" + bad + "')")).as(bad)
                    .isEqualTo("InvalidCharacterError: atob: the string is not correctly encoded base64 (expected: A-Z a-z 0-9 + / and = padding)");
        }
        assertThat(js.eval("(() => { try { atob('*'); } catch (e) { return [e instanceof DOMException, e instanceof Error, e.code, e.name]; } })()"))
                .isEqualTo("[true,true,5,\"InvalidCharacterError\"]");
        assertThat(js.eval("atob(null)")).isEqualTo("\u009e\u00e9e");
        assertThat(js.eval("atob()")).startsWith("TypeError: atob: 1 argument required");
    }

    @Test
    void structuredCloneCopiesDeepWithCyclesAndRefusesFunctions() {
        js.run("""
                globalThis.orig = { n: 1, s: 'x', d: new Date(5), r: /a+/gi, m: new Map([[{ k: 1 }, new Set([1, 2])]]),
                  buf: new Uint8Array([1, 2, 3]).buffer, big: 10n, nested: [1, [2, { three: 3 }]], u: undefined, neg0: -0,
                  boxed: new String('b'), err: new RangeError('bad') };
                orig.self = orig;
                orig.view = new Uint16Array(orig.buf, 0, 1);
                orig.again = orig.nested;
                globalThis.copy = structuredClone(orig);
                """);
        assertThat(js.eval("[copy !== orig, copy.self === copy, copy.n, copy.s, copy.d instanceof Date && copy.d !== orig.d && copy.d.getTime(),"
                + " copy.r.source, copy.r.flags, copy.r !== orig.r, copy.m.size, [...copy.m.values()][0].has(2), [...copy.m.keys()][0].k,"
                + " new Uint8Array(copy.buf).join(), copy.buf !== orig.buf, copy.view.buffer === copy.buf, copy.view instanceof Uint16Array,"
                + " String(copy.big), copy.nested[1][1].three, copy.again === copy.nested, 'u' in copy, Object.is(copy.neg0, -0),"
                + " copy.boxed instanceof String && String(copy.boxed), copy.err instanceof RangeError && copy.err.message]"))
                .isEqualTo("[true,true,1,\"x\",5,\"a+\",\"gi\",true,1,true,1,\"1,2,3\",true,true,true,\"10\",3,true,true,true,\"b\",\"bad\"]");
        assertThat(js.eval("(() => { new Uint8Array(orig.buf)[0] = 9; return new Uint8Array(copy.buf)[0]; })()")).isEqualTo("1");
        assertThat(js.eval("structuredClone({ f() {} })")).isEqualTo("DataCloneError: structuredClone: function f could not be cloned");
        assertThat(js.eval("structuredClone(Symbol('s'))")).isEqualTo("DataCloneError: structuredClone: Symbol(s) could not be cloned");
        assertThat(js.eval("(() => { try { structuredClone(() => 1); } catch (e) { return [e instanceof DOMException, e.code]; } })()"))
                .isEqualTo("[true,25]");
        assertThat(js.eval("structuredClone(new WeakMap())")).isEqualTo("DataCloneError: structuredClone: WeakMap could not be cloned");
        assertThat(js.eval("[structuredClone(3), structuredClone('s'), structuredClone(null)]")).isEqualTo("[3,\"s\",null]");
        // A class's instance is an ordinary object: its own properties are cloned onto a plain object.
        assertThat(js.eval("(() => { const c = structuredClone(new (class A { constructor() { this.a = 1; } })());"
                + " return [Object.getPrototypeOf(c) === Object.prototype, c.a]; })()")).isEqualTo("[true,1]");
    }

    @Test
    void queueMicrotaskRunsBeforeTheNextTaskInOrder() {
        assertThat(js.await("new Promise((resolve) => { const out = []; queueMicrotask(() => out.push(1)); Promise.resolve().then(() => out.push(2));"
                + " queueMicrotask(() => { out.push(3); resolve(out); }); out.push(0); })")).isEqualTo("[0,1,2,3]");
        assertThat(js.eval("queueMicrotask('x')")).isEqualTo("TypeError: queueMicrotask: string (expected: a function)");
    }

    @Test
    void navigatorIsCloudflareWorkersAndEncodeIntoStopsAtWholeCharacters() {
        assertThat(js.eval("[navigator.userAgent, navigator.hardwareConcurrency, String(navigator)]"))
                .isEqualTo("[\"Cloudflare-Workers\",1,\"[object Navigator]\"]");
        assertThat(js.eval("(() => { const d = new Uint8Array(5); const r = new TextEncoder().encodeInto('aé€', d); return [r.read, r.written, [...d]]; })()"))
                .isEqualTo("[2,3,[97,195,169,0,0]]");
        assertThat(js.eval("(() => { const d = new Uint8Array(8); return new TextEncoder().encodeInto('a𝄞b', d); })()"))
                .isEqualTo("{\"read\":4,\"written\":6}");
    }

    @Test
    void domExceptionsHaveNamesCodesAndConstants() {
        assertThat(js.eval("(() => { const e = new DOMException('m', 'AbortError'); return [e.name, e.message, e.code, DOMException.ABORT_ERR,"
                + " DOMException.QUOTA_EXCEEDED_ERR, new DOMException('x').name, e instanceof Error, String(e)]; })()"))
                .isEqualTo("[\"AbortError\",\"m\",20,20,22,\"Error\",true,\"AbortError: m\"]");
    }
}
