package dev.pier.waf;

import dev.pier.config.ruleset.ActionParameters;
import dev.pier.config.ruleset.RuleAction;
import java.util.ArrayList;
import java.util.List;

/**
 * What the request phases decided for one request: the terminating action if any (with the
 * rule and phase it came from and how to answer), every security rule that acted along the
 * way in Cloudflare's parallel-array form, the WAF attack scores where managed rules ran, and
 * the origin route from origin rules. Filled as the phases run; read by the edge.
 */
public final class Verdict {

    /** Cloudflare's SecuritySources values. */
    public static final String FIREWALL_CUSTOM = "firewallCustom";
    public static final String FIREWALL_MANAGED = "firewallManaged";
    public static final String RATE_LIMIT = "rateLimit";
    /** Pier's source name for origin rules, which Cloudflare does not log as security rules: only a budget refusal names it. */
    public static final String ORIGIN_RULES = "originRules";

    private RuleAction action;
    private String ruleId;
    private String source;
    private ActionParameters.Response response;
    private long retryAfterSeconds;
    private boolean budgetExceeded;
    private final List<String> actions = new ArrayList<>(2);
    private final List<String> ruleIds = new ArrayList<>(2);
    private final List<String> sources = new ArrayList<>(2);
    private List<String> managedMatches = List.of();
    private int attackScore;
    private int sqliScore;
    private int xssScore;
    private int rceScore;
    private String hostHeader;
    private String originHost;
    private int originPort;

    /** The terminating action (block or a challenge), or null when the request goes on. */
    public RuleAction action() {
        return action;
    }

    public boolean terminates() {
        return action != null;
    }

    /** The rule that took the terminating action (for managed rules, the anomaly score rule or an overridden rule). */
    public String ruleId() {
        return ruleId;
    }

    /** The phase's SecuritySources name of the terminating action. */
    public String source() {
        return source;
    }

    /** A custom response for a block, or null for the edge's own page. */
    public ActionParameters.Response response() {
        return response;
    }

    /**
     * Whether the rules ran out of the request's evaluation budget: the request is blocked
     * ({@link #action()} is block), {@link #ruleId()} is the rule whose expression would have
     * overspent, and {@link #source()} its phase; no rule after it ran.
     */
    public boolean budgetExceeded() {
        return budgetExceeded;
    }

    /** For a rate limit: seconds until the client may try again; 0 otherwise. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** Every rule that acted, terminating or not, in the order it acted (Cloudflare's SecurityActions). */
    public List<String> actions() {
        return actions;
    }

    public List<String> ruleIds() {
        return ruleIds;
    }

    public List<String> sources() {
        return sources;
    }

    /** Ids of the managed rules that matched (each added to the anomaly score), for tuning overrides. */
    public List<String> managedMatches() {
        return managedMatches;
    }

    /** Cloudflare's WAF attack score, 1 (attack) to 99 (clean); 0 when managed rules did not run. */
    public int attackScore() {
        return attackScore;
    }

    public int sqliScore() {
        return sqliScore;
    }

    public int xssScore() {
        return xssScore;
    }

    public int rceScore() {
        return rceScore;
    }

    /** Origin rules: the Host header for the origin, or null to keep the client's. */
    public String hostHeader() {
        return hostHeader;
    }

    /** Origin rules: another origin host, or null to keep the DNS record's. */
    public String originHost() {
        return originHost;
    }

    /** Origin rules: another origin port, or 0 to keep the one the client used. */
    public int originPort() {
        return originPort;
    }

    // ------------------------------------------------------------ filled by the phases

    void acted(String action, String ruleId, String source) {
        actions.add(action);
        ruleIds.add(ruleId);
        sources.add(source);
    }

    void terminate(RuleAction action, String ruleId, String source, ActionParameters.Response response) {
        this.action = action;
        this.ruleId = ruleId;
        this.source = source;
        this.response = response;
        acted(logName(action), ruleId, source);
    }

    void budgetExceeded(String ruleId, String source) {
        budgetExceeded = true;
        terminate(RuleAction.BLOCK, ruleId, source, null);
    }

    void managedMatches(List<String> ids) {
        this.managedMatches = ids;
    }

    void retryAfter(long seconds) {
        this.retryAfterSeconds = seconds;
    }

    void scores(int attack, int sqli, int xss, int rce) {
        this.attackScore = attack;
        this.sqliScore = sqli;
        this.xssScore = xss;
        this.rceScore = rce;
    }

    void route(ActionParameters.Route route) {
        if (route.hostHeader() != null) {
            hostHeader = route.hostHeader();
        }
        if (route.originHost() != null) {
            originHost = route.originHost();
        }
        if (route.originPort() != null) {
            originPort = route.originPort();
        }
    }

    /** An action's name in Cloudflare's logs (SecurityAction): block, log, managedChallenge, jschallenge, challenge, skip. */
    public static String logName(RuleAction action) {
        return switch (action) {
            case MANAGED_CHALLENGE -> "managedChallenge";
            case JS_CHALLENGE -> "jschallenge";
            default -> action.id();
        };
    }
}
