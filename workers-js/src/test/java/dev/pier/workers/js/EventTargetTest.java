package dev.pier.workers.js;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** EventTarget's dispatch as the DOM standard has it: the listeners a WebSocket's events reach, in order. */
class EventTargetTest {

    @TempDir
    static Path dir;
    static JsConsole js;

    @BeforeAll
    static void realm() {
        js = new JsConsole(dir);
    }

    @Test
    void theHandlerPropertyThenListenersInTheOrderAdded() {
        js.run("""
                globalThis.t1 = new EventTarget(); globalThis.seen1 = [];
                t1.onmessage = (e) => seen1.push('on:' + e.data);
                t1.addEventListener('message', (e) => seen1.push('a:' + e.data));
                t1.addEventListener('message', { handleEvent: (e) => seen1.push('b:' + e.data) });
                t1.addEventListener('close', () => seen1.push('close'));
                t1.dispatchEvent(new MessageEvent('message', { data: 1 }));
                t1.dispatchEvent(new MessageEvent('message', { data: 2 }));
                """);
        assertThat(js.eval("seen1.join(' ')")).isEqualTo("on:1 a:1 b:1 on:2 a:2 b:2");
    }

    @Test
    void aListenerAddedDuringDispatchWaitsForTheNextEvent() {
        js.run("""
                globalThis.t2 = new EventTarget(); globalThis.seen2 = [];
                const late = () => seen2.push('late');
                t2.addEventListener('message', () => { seen2.push('first'); t2.addEventListener('message', late); });
                t2.dispatchEvent(new Event('message'));
                seen2.push('|');
                t2.dispatchEvent(new Event('message'));
                """);
        assertThat(js.eval("seen2.join(' ')")).isEqualTo("first | first late");
    }

    @Test
    void onceRemoveAndTheSameListenerTwice() {
        js.run("""
                globalThis.t3 = new EventTarget(); globalThis.seen3 = [];
                const twice = () => seen3.push('twice');
                t3.addEventListener('x', twice); t3.addEventListener('x', twice);
                t3.addEventListener('x', () => seen3.push('once'), { once: true });
                const gone = () => seen3.push('gone');
                t3.addEventListener('x', gone); t3.removeEventListener('x', gone);
                t3.dispatchEvent(new Event('x')); t3.dispatchEvent(new Event('x'));
                """);
        assertThat(js.eval("seen3.join(' ')")).isEqualTo("twice once twice");
    }

    @Test
    void stopImmediatePropagationSkipsTheRestAndTypesAreStrings() {
        js.run("""
                globalThis.t4 = new EventTarget(); globalThis.seen4 = [];
                t4.addEventListener('m', (e) => { seen4.push('a'); e.stopImmediatePropagation(); });
                t4.addEventListener('m', () => seen4.push('b'));
                t4.addEventListener(7, () => seen4.push('seven'));
                t4.addEventListener('__proto__', () => seen4.push('proto'));
                t4.dispatchEvent(new Event('m')); t4.dispatchEvent(new Event('7')); t4.dispatchEvent(new Event('__proto__'));
                t4.dispatchEvent(new Event('toString'));
                """);
        assertThat(js.eval("seen4.join(' ')")).isEqualTo("a seven proto");
        assertThat(js.eval("new EventTarget().dispatchEvent({ type: 'x' })")).startsWith("TypeError: dispatchEvent: not an Event");
    }
}
