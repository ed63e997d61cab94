package dev.pier.workers.js;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** crypto against the Web Crypto standard, its FIPS 180 digests and RFC 4231's HMAC vectors, and Cloudflare's timingSafeEqual. */
class CryptoTest {

    @RegisterExtension
    static final JsConsole js = new JsConsole();

    @BeforeAll
    static void helpers() {
        js.run("""
                globalThis.hex = (b) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, '0')).join('');
                globalThis.bytes = (s) => new TextEncoder().encode(s);
                globalThis.hmac = async (hash, key, data) => {
                  const k = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash }, false, ['sign', 'verify']);
                  return hex(await crypto.subtle.sign('HMAC', k, data));
                };
                """);
    }

    @Test
    void digestsAreFips180s() {
        assertThat(js.await("(async () => Promise.all(['SHA-1', 'sha-256', { name: 'SHA-384' }, 'SHA-512']"
                + ".map(async (a) => hex(await crypto.subtle.digest(a, bytes('abc'))))))()"))
                .isEqualTo("[\"a9993e364706816aba3e25717850c26c9cd0d89d\","
                        + "\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\","
                        + "\"cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7\","
                        + "\"ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f\"]");
        assertThat(js.await("(async () => hex(await crypto.subtle.digest('SHA-256', new Uint8Array([0, 97, 98, 99, 0]).subarray(1, 4))))()"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(js.await("crypto.subtle.digest('MD5', bytes('abc'))"))
                .isEqualTo("NotSupportedError: digest: algorithm 'MD5' (expected: SHA-1, SHA-256, SHA-384 or SHA-512)");
        assertThat(js.await("crypto.subtle.digest('SHA-256', 'abc')")).startsWith("TypeError: digest: string (expected: an ArrayBuffer");
    }

    @Test
    void hmacSignsAndVerifiesRfc4231sVectors() {
        assertThat(js.await("hmac('SHA-256', new Uint8Array(20).fill(0x0b), bytes('Hi There'))"))
                .isEqualTo("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
        assertThat(js.await("hmac('SHA-384', new Uint8Array(20).fill(0x0b), bytes('Hi There'))"))
                .isEqualTo("afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6");
        assertThat(js.await("hmac({ name: 'SHA-512' }, new Uint8Array(20).fill(0x0b).buffer, bytes('Hi There'))"))
                .isEqualTo("87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854");
        assertThat(js.await("hmac('SHA-256', bytes('Jefe'), bytes('what do ya want for nothing?'))"))
                .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        assertThat(js.await("hmac('SHA-256', new Uint8Array(131).fill(0xaa), bytes('Test Using Larger Than Block-Size Key - Hash Key First'))"))
                .isEqualTo("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
        assertThat(js.await("hmac('SHA-1', bytes('Jefe'), bytes('what do ya want for nothing?'))"))
                .isEqualTo("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
        assertThat(js.await("""
                (async () => {
                  const k = await crypto.subtle.importKey('raw', bytes('Jefe'), { name: 'HMAC', hash: 'SHA-256' }, true, ['verify', 'sign']);
                  const sig = await crypto.subtle.sign({ name: 'HMAC' }, k, bytes('message'));
                  const bad = new Uint8Array(sig.slice(0)); bad[0] ^= 1;
                  return [await crypto.subtle.verify('HMAC', k, sig, bytes('message')), await crypto.subtle.verify('HMAC', k, bad, bytes('message')),
                    await crypto.subtle.verify('HMAC', k, sig.slice(1), bytes('message')), await crypto.subtle.verify('HMAC', k, sig, bytes('other')),
                    k.type, k.extractable, k.algorithm.name, k.algorithm.hash.name, k.algorithm.length, k.usages.join(),
                    hex(await crypto.subtle.exportKey('raw', k)), String(k)];
                })()"""))
                .isEqualTo("[true,false,false,false,\"secret\",true,\"HMAC\",\"SHA-256\",32,\"verify,sign\",\"4a656665\",\"[object CryptoKey]\"]");
    }

    @Test
    void keysAreCheckedAsWebCryptoChecksThem() {
        String imported = "crypto.subtle.importKey('raw', bytes('k'), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify'])";
        assertThat(js.await("(async () => crypto.subtle.sign('HMAC', await " + imported + ", bytes('x')))()"))
                .isEqualTo("InvalidAccessError: sign: the key's usages do not include 'sign'");
        assertThat(js.await("(async () => crypto.subtle.exportKey('raw', await " + imported + "))()"))
                .isEqualTo("InvalidAccessError: exportKey: the key is not extractable");
        assertThat(js.await("crypto.subtle.importKey('raw', bytes('k'), { name: 'HMAC', hash: 'SHA-256' }, false, ['encrypt'])"))
                .isEqualTo("SyntaxError: importKey: usage 'encrypt' (expected: sign, verify)");
        assertThat(js.await("crypto.subtle.importKey('raw', bytes('k'), { name: 'HMAC', hash: 'SHA-256' }, false, [])"))
                .isEqualTo("SyntaxError: importKey: no usages (expected: sign and/or verify)");
        assertThat(js.await("crypto.subtle.importKey('raw', new Uint8Array(0), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])"))
                .startsWith("DataError: ");
        assertThat(js.await("crypto.subtle.importKey('raw', bytes('k'), { name: 'AES-GCM' }, false, ['sign'])"))
                .isEqualTo("NotSupportedError: importKey: algorithm 'AES-GCM' (expected: HMAC)");
        assertThat(js.await("crypto.subtle.importKey('spki', bytes('k'), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])"))
                .isEqualTo("NotSupportedError: importKey: format 'spki' (expected: raw or jwk)");
        assertThat(js.await("""
                (async () => {
                  const k = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-512' }, true, ['sign']);
                  const jwk = await crypto.subtle.exportKey('jwk', k);
                  const back = await crypto.subtle.importKey('jwk', jwk, { name: 'HMAC', hash: 'SHA-512' }, true, ['sign']);
                  return [k.algorithm.length, (await crypto.subtle.exportKey('raw', k)).byteLength, jwk.kty, jwk.alg,
                    hex(await crypto.subtle.exportKey('raw', back)) === hex(await crypto.subtle.exportKey('raw', k))];
                })()"""))
                .isEqualTo("[1024,128,\"oct\",\"HS512\",true]");
    }

    @Test
    void timingSafeEqualComparesBuffersOfOneLength() {
        assertThat(js.eval("[crypto.subtle.timingSafeEqual(bytes('abc'), bytes('abc').buffer), crypto.subtle.timingSafeEqual(bytes('abc'), bytes('abd')),"
                + " crypto.subtle.timingSafeEqual(new Uint8Array(0), new ArrayBuffer(0))]")).isEqualTo("[true,false,true]");
        assertThat(js.eval("crypto.subtle.timingSafeEqual(bytes('abc'), bytes('ab'))"))
                .isEqualTo("TypeError: timingSafeEqual: the inputs have different lengths (expected: the same byteLength)");
    }

    @Test
    void randomValuesFillIntegerArraysUpTo65536Bytes() {
        assertThat(js.eval("(() => { const a = new Uint32Array(16); const r = crypto.getRandomValues(a); return [r === a, a.some((x) => x !== 0)]; })()"))
                .isEqualTo("[true,true]");
        assertThat(js.eval("(() => { const a = new Uint8Array(8); crypto.getRandomValues(a.subarray(2, 4)); return [a[0], a[1], a[4], a[7]]; })()"))
                .isEqualTo("[0,0,0,0]");
        assertThat(js.eval("crypto.getRandomValues(new Uint8Array(65536)).length")).isEqualTo("65536");
        assertThat(js.eval("crypto.getRandomValues(new Uint8Array(65537))"))
                .isEqualTo("QuotaExceededError: getRandomValues: 65537 bytes asked (expected: at most 65536)");
        assertThat(js.eval("(() => { try { crypto.getRandomValues(new Uint16Array(40000)); } catch (e) { return [e instanceof DOMException, e.code]; } })()"))
                .isEqualTo("[true,22]");
        assertThat(js.eval("crypto.getRandomValues(new Float64Array(2))")).startsWith("TypeMismatchError: ");
    }

    @Test
    void randomUuidsAreVersion4() {
        assertThat(js.eval("crypto.randomUUID()")).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(js.eval("new Set(Array.from({ length: 100 }, () => crypto.randomUUID())).size")).isEqualTo("100");
        assertThat(js.eval("new Crypto()")).startsWith("TypeError: Crypto: Illegal constructor");
    }
}
