package dev.pier.waf;

import dev.pier.rules.Scheme;
import dev.pier.rules.StandardFields;
import dev.pier.rules.Type;
import dev.pier.waf.managed.Detectors;
import dev.pier.waf.managed.ManagedRuleset;
import dev.pier.waf.managed.View;
import java.util.List;

/**
 * The one scheme of the request phases: Cloudflare's request fields, the WAF attack scores,
 * and the inputs and detection functions the managed rules are written with.
 */
public final class WafScheme {

    /**
     * Inspection targets, decoded ({@link View#DECODED}): query argument names and values,
     * cookie names and values, the path, and what comments in them hold. The uncommented
     * view is in {@code waf.args.uncommented}, where it differs.
     */
    public static final String ARGS = "waf.args";
    /**
     * Decoded values of the request headers a browser does not fill itself (User-Agent,
     * Referer, custom ones); the uncommented view in {@code waf.headers.uncommented}, where it differs.
     */
    public static final String HEADERS = "waf.headers";
    /**
     * One normalised input (an argument, a cookie, a header value): managed rules written over
     * it run once per input of their targets, and their results are cached per input.
     */
    public static final String INPUT = "waf.input";
    /** The request target exactly as received, for protocol anomalies that decoding would hide. */
    public static final String RAW_URI = "waf.raw_uri";

    public static final Scheme SCHEME = StandardFields.requestFields()
            .field(ARGS, Type.arrayOf(Type.BYTES))
            .field(HEADERS, Type.arrayOf(Type.BYTES))
            .field(View.UNCOMMENTED.field(ManagedRuleset.Target.ARGS), Type.arrayOf(Type.BYTES))
            .field(View.UNCOMMENTED.field(ManagedRuleset.Target.HEADERS), Type.arrayOf(Type.BYTES))
            .field(RAW_URI, Type.BYTES)
            .field(INPUT, Type.BYTES)
            .function("waf_sqli", Type.BOOL, List.of(Type.BYTES), a -> Detectors.sqli((String) a[0]))
            .function("waf_xss", Type.BOOL, List.of(Type.BYTES), a -> Detectors.xss((String) a[0]))
            .build();

    private WafScheme() {
    }
}
