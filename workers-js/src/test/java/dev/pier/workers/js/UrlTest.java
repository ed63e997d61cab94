package dev.pier.workers.js;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** URL and URLSearchParams against the WHATWG URL standard's behaviour (cases in the style of its web-platform tests). */
class UrlTest {

    @RegisterExtension
    static final JsConsole js = new JsConsole();

    @ParameterizedTest(name = "{0} against {1}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            https://EXAMPLE.com:443/a/./b/../c?x=1#f | -                  | https://example.com/a/c?x=1#f
            http://example.com:8080                  | -                  | http://example.com:8080/
            HTTP://user:pa ss@host/                  | -                  | http://user:pa%20ss@host/
            ../d                                     | http://a/b/c/e     | http://a/b/d
            ?q                                       | http://a/b/c       | http://a/b/c?q
            '#h'                                     | http://a/b/c?q     | http://a/b/c?q#h
            //other/x                                | https://a/b        | https://other/x
            /abs                                     | http://a/b/c       | http://a/abs
            ''                                       | http://a/b?c#d     | http://a/b?c
            g;x?y#s                                  | http://a/b/c/d;p?q | http://a/b/c/g;x?y#s
            ../../../g                               | http://a/b/c/d;p?q | http://a/g
            http:g                                   | http://a/b/c/d;p?q | http://a/b/c/g
            http://[::1]:80/                         | -                  | http://[::1]/
            http://[2001:db8:0:0:1:0:0:1]/           | -                  | http://[2001:db8::1:0:0:1]/
            http://[0:0:0:0:0:ffff:192.168.0.1]/     | -                  | http://[::ffff:c0a8:1]/
            http://0x7f.1/                           | -                  | http://127.0.0.1/
            http://2130706433/                       | -                  | http://127.0.0.1/
            http://example.com/ä?ä#ä                 | -                  | http://example.com/%C3%A4?%C3%A4#%C3%A4
            http://münchen.de/                       | -                  | http://xn--mnchen-3ya.de/
            http://EX%41MPLE.com/                    | -                  | http://example.com/
            ws://h:80/x                              | -                  | ws://h/x
            wss://h:443                              | -                  | wss://h/
            mailto:someone@example.com               | -                  | mailto:someone@example.com
            file:///C:/x/../y                        | -                  | file:///C:/y
            file://localhost/etc/hosts               | -                  | file:///etc/hosts
            http://a/b\\c                            | -                  | http://a/b/c
            '  http://a/ '                           | -                  | http://a/
            http:/\\example.com/x                    | -                  | http://example.com/x
            https://a/%2e%2E/b/%2e                   | -                  | https://a/b/
            http://a/b?c'd                           | -                  | http://a/b?c%27d
            foo://a/b?c'd                            | -                  | foo://a/b?c'd
            http://a/b c/{x}`                        | -                  | http://a/b%20c/%7Bx%7D%60
            http://a/?q=a b<>                        | -                  | http://a/?q=a%20b%3C%3E
            non-special://host:99/p                  | -                  | non-special://host:99/p
            http://a/b	c                            | -                  | http://a/bc
            """)
    void parsesAndSerializesAsTheStandard(String input, String base, String href) {
        String expression = base == null ? "new URL(" + literal(input) + ").href"
                : "new URL(" + literal(input) + ", " + literal(base) + ").href";
        assertThat(js.eval(expression)).isEqualTo(href);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            a
            http://ex ample.com/
            http://192.168.0.257/
            http://a:99999/
            http://a:8a/
            http://[::1/
            http://[1::2::3]/
            https://
            http://a%/
            """)
    void rejectsWhatTheStandardRejectsWithATypeError(String input) {
        assertThat(js.eval("new URL(" + literal(input) + ")")).startsWith("TypeError: Invalid URL: '");
        assertThat(js.eval("URL.canParse(" + literal(input) + ")")).isEqualTo("false");
        assertThat(js.eval("URL.parse(" + literal(input) + ")")).isEqualTo("null");
    }

    @Test
    void componentsAndOrigin() {
        js.run("globalThis.u = new URL('https://user:pw@Example.com:8443/p/a%20th?q=1&r=2#frag');");
        assertThat(js.eval("[u.protocol, u.username, u.password, u.host, u.hostname, u.port, u.pathname, u.search, u.hash].join('|')"))
                .isEqualTo("https:|user|pw|example.com:8443|example.com|8443|/p/a%20th|?q=1&r=2|#frag");
        assertThat(js.eval("u.origin")).isEqualTo("https://example.com:8443");
        assertThat(js.eval("new URL('mailto:x@y').origin + ' ' + new URL('mailto:x@y').pathname")).isEqualTo("null x@y");
        assertThat(js.eval("new URL('file:///x').origin")).isEqualTo("null");
        assertThat(js.eval("JSON.stringify({ u: new URL('http://a') })")).isEqualTo("{\"u\":\"http://a/\"}");
        assertThat(js.eval("String(new URL('http://a/x'))")).isEqualTo("http://a/x");
        assertThat(js.eval("new URL('http://a/x', new URL('https://b/c')).href")).isEqualTo("http://a/x");
    }

    @Test
    void settersChangeOneComponent() {
        js.run("globalThis.s = new URL('https://a.com/x?y#z');");
        js.run("s.pathname = '/p q'; s.search = 'k=v w'; s.hash = 'h'; s.port = '443';");
        assertThat(js.eval("s.href")).isEqualTo("https://a.com/p%20q?k=v%20w#h");
        js.run("s.port = '8443'; s.hostname = 'B.com';");
        assertThat(js.eval("s.host")).isEqualTo("b.com:8443");
        js.run("s.host = 'c.com:9000'; s.username = 'me'; s.password = 'p@ss';");
        assertThat(js.eval("s.href")).isEqualTo("https://me:p%40ss@c.com:9000/p%20q?k=v%20w#h");
        js.run("s.search = ''; s.hash = ''; s.port = '';");
        assertThat(js.eval("s.href")).isEqualTo("https://me:p%40ss@c.com/p%20q");
        js.run("globalThis.w = new URL('ws://a:443/'); w.protocol = 'wss';");
        assertThat(js.eval("w.href")).isEqualTo("wss://a/");
        js.run("w.protocol = 'mailto';");
        assertThat(js.eval("w.protocol")).isEqualTo("wss:");
        js.run("w.href = 'http://other/?a=1';");
        assertThat(js.eval("w.searchParams.get('a') + ' ' + w.host")).isEqualTo("1 other");
        assertThat(js.eval("(() => { try { w.href = 'nope'; } catch (e) { return e.name; } })()")).isEqualTo("TypeError");
    }

    @Test
    void searchParamsParseSerializeAndStayInStepWithTheirUrl() {
        assertThat(js.eval("new URLSearchParams('?a=b+c&d=%20e&&f&a=2').toString()")).isEqualTo("a=b+c&d=+e&f=&a=2");
        assertThat(js.eval("new URLSearchParams('a=b+c&a=%F0%9F%98%80').getAll('a')")).isEqualTo("[\"b c\",\"😀\"]");
        assertThat(js.eval("new URLSearchParams({ 'x y': '~*-._!' }).toString()")).isEqualTo("x+y=%7E*-._%21");
        assertThat(js.eval("new URLSearchParams([['a', '1'], ['b', '2']]).get('b')")).isEqualTo("2");
        assertThat(js.eval("new URLSearchParams([['a']])")).startsWith("TypeError: ");
        js.run("globalThis.p = new URLSearchParams('z=1&a=2&z=0&b=3');");
        js.run("p.sort();");
        assertThat(js.eval("p.toString()")).isEqualTo("a=2&b=3&z=1&z=0");
        assertThat(js.eval("[p.size, p.has('z'), p.has('z', '0'), p.has('z', '9'), p.get('none')]"))
                .isEqualTo("[4,true,true,false,null]");
        js.run("p.delete('z', '1'); p.set('a', 'x'); p.append('c', 'é');");
        assertThat(js.eval("[...p.keys()].join() + ' ' + [...p.values()].join() + ' ' + p")).isEqualTo("a,b,z,c x,3,0,é a=x&b=3&z=0&c=%C3%A9");

        js.run("globalThis.v = new URL('https://a/p?x=1#f');");
        js.run("v.searchParams.append('y', 'two words');");
        assertThat(js.eval("v.href")).isEqualTo("https://a/p?x=1&y=two+words#f");
        js.run("v.search = '?only=1';");
        assertThat(js.eval("[...v.searchParams].join(';')")).isEqualTo("only,1");
        js.run("v.searchParams.delete('only');");
        assertThat(js.eval("v.href")).isEqualTo("https://a/p#f");
    }

    static String literal(String s) {
        return ModuleFiles.literal(s.replace("\\\\", "\\"));
    }
}
