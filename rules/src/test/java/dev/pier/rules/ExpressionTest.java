package dev.pier.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Expressions as Cloudflare's documentation writes them, against one realistic upgrade request. */
class ExpressionTest {

    static final Scheme SCHEME = StandardFields.requestScheme();

    static Context upgradeRequest() throws Exception {
        return new Context(SCHEME)
                .set("http.host", "chat.example.com")
                .set("http.request.method", "GET")
                .set("http.request.uri", "/socket?room=lobby&token=abc")
                .set("http.request.uri.path", "/socket")
                .set("http.request.uri.query", "room=lobby&token=abc")
                .set("http.request.uri.args", Map.of("room", List.of("lobby"), "token", List.of("abc")))
                .set("http.request.full_uri", "https://chat.example.com/socket?room=lobby&token=abc")
                .set("http.request.headers", Map.of(
                        "upgrade", List.of("websocket"),
                        "connection", List.of("Upgrade"),
                        "sec-websocket-version", List.of("13"),
                        "user-agent", List.of("Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0"),
                        "x-api-key", List.of("k1", "k2")))
                .set("http.request.headers.names", List.of("upgrade", "connection", "sec-websocket-version", "user-agent", "x-api-key"))
                .set("http.request.version", "HTTP/1.1")
                .set("http.user_agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0")
                .set("http.cookie", "session=s1; theme=dark")
                .set("http.request.cookies", Map.of("session", List.of("s1"), "theme", List.of("dark")))
                .set("ip.src", InetAddress.getByName("203.0.113.7"))
                .set("ssl", true)
                .set("http.request.timestamp.sec", 1_800_000_000L)
                .set("cf.ray_id", "8a1b2c3d4e5f6071")
                .list("office", List.of("203.0.113.0/24", "198.51.100.1/32"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            http.host eq "chat.example.com"                                      | true
            http.host == "example.com"                                           | false
            http.host ne "example.com"                                           | true
            http.request.uri.path eq "/socket" and http.request.method eq "GET"  | true
            http.request.uri.path eq "/other" or ssl                             | true
            not ssl                                                              | false
            !ssl or http.host contains "chat"                                    | true
            http.host contains "example" xor ssl                                 | false
            http.host contains "example" ^^ not ssl                              | true
            http.request.uri.path in {"/socket" "/ws"}                           | true
            http.request.uri.path in {"/a", "/b"}                                | false
            ip.src in {203.0.113.0/24}                                           | true
            ip.src in {10.0.0.0/8 192.168.0.0/16}                                | false
            ip.src eq 203.0.113.7                                                | true
            ip.src in $office                                                    | true
            ip.src in $nobody                                                    | false
            http.request.timestamp.sec gt 1700000000                             | true
            http.request.timestamp.sec < 1700000000                              | false
            http.request.timestamp.sec in {1..10 1800000000..1900000000}         | true
            http.user_agent matches "(?i)chrome/1[0-9]{2}"                       | true
            http.user_agent ~ "curl"                                             | false
            http.host wildcard "*.EXAMPLE.com"                                   | true
            http.host strict wildcard "*.EXAMPLE.com"                            | false
            http.host strict wildcard "chat.*"                                   | true
            http.request.headers["upgrade"][0] eq "websocket"                    | true
            http.request.headers["x-api-key"][1] eq "k2"                         | true
            http.request.headers["x-missing"][0] eq "x"                          | false
            any(http.request.headers.names[*] == "upgrade")                      | true
            all(http.request.headers.names[*] ne "cookie")                       | true
            any(http.request.headers["x-api-key"][*] eq "k3")                    | false
            any(lower(http.request.headers["connection"][*])[*] eq "upgrade")    | true
            http.request.uri.args["room"][0] eq "lobby"                          | true
            http.request.cookies["session"][0] == "s1"                           | true
            lower(http.request.headers["connection"][0]) eq "upgrade"            | true
            upper(http.request.method) eq "GET"                                  | true
            len(http.host) eq 16                                                 | true
            len(http.request.headers.names) ge 5                                 | true
            starts_with(http.request.uri.path, "/sock")                          | true
            ends_with(http.host, ".example.com")                                 | true
            concat(http.host, http.request.uri.path) eq "chat.example.com/socket"| true
            substring(http.host, 0, 4) eq "chat"                                 | true
            substring(http.host, -3) eq "com"                                    | true
            to_string(ip.src) eq "203.0.113.7"                                   | true
            to_string(http.request.timestamp.sec) eq "1800000000"                | true
            url_decode("%2Fsocket%3Fx%3D1") eq "/socket?x=1"                     | true
            cidr(ip.src, 24, 64) eq 203.0.113.0                                  | true
            remove_bytes(http.host, ".") eq "chatexamplecom"                     | true
            regex_replace(http.request.uri.path, "^/(s)ocket$", "/${1}ock") eq "/sock" | true
            wildcard_replace(http.host, "*.example.com", "${1}.example.net") eq "chat.example.net" | true
            lookup_json_string("{\\"user\\":{\\"name\\":\\"ana\\"}}", "user", "name") eq "ana" | true
            lookup_json_integer("{\\"n\\":[1,2,3]}", "n", 2) eq 3                | true
            decode_base64("aGVsbG8=") eq "hello"                                 | true
            len(split(http.request.uri.query, "&")) eq 2                         | true
            join(split(http.request.uri.query, "&"), ";") eq "room=lobby;token=abc" | true
            (http.host eq "a" or http.host eq "chat.example.com") and ssl       | true
            http.host eq "a" or http.host eq "b" and ssl                         | false
            cf.ray_id eq "8a1b2c3d4e5f6071"                                      | true
            """)
    void evaluates(String expression, boolean expected) throws Exception {
        assertThat(Expression.parse(SCHEME, expression).matches(upgradeRequest())).isEqualTo(expected);
    }

    @Test
    void missingFieldsMakeComparisonsFalse() {
        Context empty = new Context(SCHEME);
        assertThat(Expression.parse(SCHEME, "http.host eq \"x\"").matches(empty)).isFalse();
        assertThat(Expression.parse(SCHEME, "http.host ne \"x\"").matches(empty)).isFalse();
        assertThat(Expression.parse(SCHEME, "not http.host eq \"x\"").matches(empty)).isTrue();
        assertThat(Expression.parse(SCHEME, "any(http.request.headers.names[*] eq \"x\")").matches(empty)).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            http.hots eq "x"                          | 1  | unknown field http.hots
            http.host eq 42                           | 14 | expected a string (Bytes) but found '42'
            http.host gt 1                            | 14 | expected a string (Bytes) but found '1'
            ip.src contains "1"                       | 8  | 'contains' does not apply to Ip
            http.host                                 | 1  | the expression must be a Bool, but it is a Bytes
            http.request.headers eq "x"               | 22 | cannot compare a Map<Array<Bytes>>
            http.request.headers.names[*] eq "x"      | 1  | wrap it in any() or all()
            http.host eq "x" and                      | 21 | expected a field, a function or a value but found the end of the expression
            http.host eq "x" "y"                      | 18 | expected 'and', 'or', 'xor' or the end, but found 'y'
            (http.host eq "x"                         | 18 | expected ')' but found the end of the expression
            http.host matches "(unclosed"             | 19 | invalid regular expression
            http.host eq "unterminated                | 14 | this string is not closed
            nope(http.host)                           | 1  | unknown function nope()
            lower(ip.src) eq "x"                      | 1  | argument 1 cannot be Ip
            ip.src in {10.0.0.0/33}                   | 12 | not an IP address or CIDR range: 10.0.0.0/33
            http.host eq "a" @ "b"                    | 18 | unexpected character '@'
            """)
    void errorsPointAtTheColumn(String expression, int column, String message) {
        assertThatThrownBy(() -> Expression.parse(SCHEME, expression))
                .isInstanceOfSatisfying(RuleException.class, e -> {
                    assertThat(e.column()).isEqualTo(column);
                    assertThat(e.getMessage()).contains(message)
                            .endsWith("\n" + expression + "\n" + " ".repeat(column - 1) + "^");
                });
    }

    @Test
    void hostileExpressionsAreBounded() {
        String tooLong = "http.host eq \"" + "a".repeat(5000) + "\"";
        assertThatThrownBy(() -> Expression.parse(SCHEME, tooLong)).hasMessageContaining("longer than 4096");
        String deep = "(".repeat(100) + "ssl" + ")".repeat(100);
        assertThatThrownBy(() -> Expression.parse(SCHEME, deep)).hasMessageContaining("nests deeper than 64");
        // RE2: a pattern that backtracks exponentially elsewhere runs in linear time here
        Expression evil = Expression.parse(SCHEME, "http.host matches \"^(a+)+$\"");
        Context c = new Context(SCHEME).set("http.host", "a".repeat(5000) + "!");
        assertThat(evil.matches(c)).isFalse();
    }

    @Test
    void rawStringsAndEscapes() throws Exception {
        assertThat(Expression.parse(SCHEME, "http.user_agent matches r\"Chrome/\\d+\"").matches(upgradeRequest())).isTrue();
        assertThat(Expression.parse(SCHEME, "http.host eq r#\"a\"b\"#").matches(new Context(SCHEME).set("http.host", "a\"b"))).isTrue();
        assertThat(Expression.parse(SCHEME, "http.host eq \"a\\\"b\\\\\"").matches(new Context(SCHEME).set("http.host", "a\"b\\"))).isTrue();
    }

    @Test
    void contextsRefuseValuesOfTheWrongType() {
        assertThatThrownBy(() -> new Context(SCHEME).set("ip.src", "1.2.3.4"))
                .hasMessage("ip.src: String (expected: a value of type Ip)");
        assertThatThrownBy(() -> new Context(SCHEME).set("no.such", 1L))
                .hasMessage("field: no.such (expected: a field of the scheme)");
    }
}
