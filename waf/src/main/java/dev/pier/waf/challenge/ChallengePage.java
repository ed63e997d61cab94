package dev.pier.waf.challenge;

/**
 * The page a browser gets for a challenge: it finds the proof of work with a small SHA-256 in
 * plain JavaScript (no secure context needed), sends the answer to {@link Clearances#VERIFY_PATH},
 * gets its clearance cookie and comes back to the page it asked for.
 */
public final class ChallengePage {

    private ChallengePage() {
    }

    /**
     * @param challenge  from {@link Clearances#challenge}
     * @param difficulty leading zero bits wanted
     * @param returnTo   the path and query to come back to (the page that was challenged)
     * @param rayId      the request id shown on the page
     */
    public static String html(String challenge, int difficulty, String returnTo, String rayId) {
        // the client's own text goes in last, so nothing in it is ever taken for a placeholder
        return TEMPLATE.replace("{{challenge}}", js(challenge))
                .replace("{{difficulty}}", Integer.toString(difficulty))
                .replace("{{verify}}", Clearances.VERIFY_PATH)
                .replace("{{ray}}", escapeHtml(rayId))
                .replace("{{return}}", js(returnTo));
    }

    /** A JavaScript string literal's content: only characters that cannot end the string or the script. */
    private static String js(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' || c == '\'') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String escapeHtml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static final String TEMPLATE = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Just a moment...</title>
            <meta name="robots" content="noindex,nofollow"><meta name="viewport" content="width=device-width,initial-scale=1">
            <style>body{font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:4em auto;padding:0 1em;color:#222}small{color:#777}</style>
            </head><body>
            <h1>Checking your browser before you go on</h1>
            <p id="status">This takes a moment and happens only once.</p>
            <noscript><p>Turn on JavaScript and cookies to continue.</p></noscript>
            <p><small>Pier &middot; Ray ID {{ray}}</small></p>
            <script>
            (function () {
              var challenge = "{{challenge}}", difficulty = {{difficulty}}, back = "{{return}}";
              function sha256(ascii) {
                function rr(v, n) { return (v >>> n) | (v << (32 - n)); }
                var pow = Math.pow, max = pow(2, 32), i, j, words = [], bits = ascii.length * 8;
                var hash = sha256.h = sha256.h || [], k = sha256.k = sha256.k || [], primes = k.length, composite = {};
                for (var c = 2; primes < 64; c++) {
                  if (!composite[c]) {
                    for (i = 0; i < 313; i += c) composite[i] = c;
                    hash[primes] = (pow(c, .5) * max) | 0;
                    k[primes++] = (pow(c, 1 / 3) * max) | 0;
                  }
                }
                ascii += "\\x80";
                while (ascii.length % 64 - 56) ascii += "\\x00";
                for (i = 0; i < ascii.length; i++) words[i >> 2] |= ascii.charCodeAt(i) << ((3 - i) % 4) * 8;
                words[words.length] = (bits / max) | 0;
                words[words.length] = bits;
                for (j = 0; j < words.length;) {
                  var w = words.slice(j, j += 16), old = hash;
                  hash = hash.slice(0, 8);
                  for (i = 0; i < 64; i++) {
                    var w15 = w[i - 15], w2 = w[i - 2], a = hash[0], e = hash[4];
                    var t1 = hash[7] + (rr(e, 6) ^ rr(e, 11) ^ rr(e, 25)) + ((e & hash[5]) ^ (~e & hash[6])) + k[i]
                      + (w[i] = i < 16 ? w[i] : (w[i - 16] + (rr(w15, 7) ^ rr(w15, 18) ^ (w15 >>> 3)) + w[i - 7]
                        + (rr(w2, 17) ^ rr(w2, 19) ^ (w2 >>> 10))) | 0);
                    var t2 = (rr(a, 2) ^ rr(a, 13) ^ rr(a, 22)) + ((a & hash[1]) ^ (a & hash[2]) ^ (hash[1] & hash[2]));
                    hash = [(t1 + t2) | 0].concat(hash);
                    hash[4] = (hash[4] + t1) | 0;
                  }
                  for (i = 0; i < 8; i++) hash[i] = (hash[i] + old[i]) | 0;
                }
                return hash;
              }
              var n = 0;
              function work() {
                for (var end = n + 4000; n < end; n++) {
                  if ((sha256(challenge + ":" + n)[0] >>> (32 - difficulty)) === 0) {
                    location.replace("{{verify}}?c=" + encodeURIComponent(challenge) + "&n=" + n
                      + "&to=" + encodeURIComponent(back));
                    return;
                  }
                }
                setTimeout(work, 0);
              }
              work();
            })();
            </script>
            </body></html>
            """;
}
