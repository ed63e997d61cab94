package dev.pier.waf.managed;

import dev.pier.rules.Context;

/**
 * Cloudflare's WAF attack scores, from 1 (almost certainly an attack) to 99 (clean), derived
 * from the anomaly points of the managed rules that matched: 99 minus two per point, at
 * least 1. One critical SQL injection match (40 points) gives 19, "attack"; a warning alone (24) gives 51.
 *
 * @param overall the score over all attack classes (Cloudflare's {@code cf.waf.score})
 */
public record AttackScore(int overall, int sqli, int xss, int rce) {

    static AttackScore of(int total, int sqliPoints, int xssPoints, int rcePoints) {
        return new AttackScore(score(total), score(sqliPoints), score(xssPoints), score(rcePoints));
    }

    static int score(int points) {
        return Math.max(1, 99 - 2 * points);
    }

    /** Cloudflare's {@code cf.waf.score.class}: attack, likely_attack, likely_clean or clean. */
    public String scoreClass() {
        return overall <= 20 ? "attack" : overall <= 50 ? "likely_attack" : overall <= 80 ? "likely_clean" : "clean";
    }

    /** Sets the {@code cf.waf.score} fields. */
    public void into(Context request) {
        request.set("cf.waf.score", (long) overall)
                .set("cf.waf.score.sqli", (long) sqli)
                .set("cf.waf.score.xss", (long) xss)
                .set("cf.waf.score.rce", (long) rce)
                .set("cf.waf.score.class", scoreClass());
    }
}
