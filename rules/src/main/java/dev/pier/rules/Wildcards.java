package dev.pier.rules;

import com.google.re2j.Pattern;

/**
 * Cloudflare's wildcard patterns: {@code *} matches any run of characters, {@code \*} and
 * {@code \\} are literal; the whole value must match. {@code wildcard} ignores case,
 * {@code strict wildcard} does not.
 */
final class Wildcards {

    private Wildcards() {
    }

    static Pattern pattern(String wildcard, boolean caseSensitive) {
        return Regexes.CACHE.get((caseSensitive ? "wildcard s:" : "wildcard i:") + wildcard, k -> {
            StringBuilder regex = new StringBuilder(caseSensitive ? "" : "(?i)").append("(?s)");
            for (int i = 0; i < wildcard.length(); i++) {
                char c = wildcard.charAt(i);
                if (c == '\\' && i + 1 < wildcard.length()) {
                    regex.append(Pattern.quote(String.valueOf(wildcard.charAt(++i))));
                } else if (c == '*') {
                    regex.append("(.*)");
                } else {
                    regex.append(Pattern.quote(String.valueOf(c)));
                }
            }
            return Pattern.compile(regex.toString());
        });
    }
}
