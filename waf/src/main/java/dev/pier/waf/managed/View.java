package dev.pier.waf.managed;

import dev.pier.waf.WafScheme;
import java.util.Locale;

/**
 * A view of an input: the input through one chain of transformations, as a Core Ruleset rule
 * chains its own ({@code t:urlDecodeUni,t:htmlEntityDecode,t:lowercase,...}). Each view builds
 * on the one before it, and a rule looks at a first run of them: at least the decoded view,
 * which removes nothing, so that no transformation that removes content is ever the only view a
 * rule sees (the Core Ruleset's {@code multiMatch}). A view that is the same as an earlier one of
 * the same input is not looked at twice.
 */
public enum View {
    /** Decoded (percent-encoding, HTML entities), lower case, whitespace runs as one space or line break. */
    DECODED,
    /** The decoded view without SQL, C and line comments, {@code +} as a space, on one line ({@link Normalizer#uncommented}). */
    UNCOMMENTED,
    /**
     * The uncommented view with MySQL's tokens spaced apart: {@code 1union(select`a`from`b`)}
     * ({@link Normalizer#sql}). Made from the decoded and uncommented views only when a rule
     * that looks at it may match (its literals occur), and held in no field.
     */
    SQL;

    /** As the ruleset file names it. */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static View of(String yamlName) {
        for (View v : values()) {
            if (v.yamlName().equals(yamlName)) {
                return v;
            }
        }
        throw new IllegalArgumentException("view: " + yamlName + " (expected: decoded, uncommented or sql)");
    }

    /**
     * The field that holds this view of a target's inputs: for the decoded view every input's,
     * for the uncommented view only where it differs from the decoded one.
     *
     * @throws IllegalStateException for the SQL view, which is made where it is looked at
     */
    public String field(ManagedRuleset.Target target) {
        if (this == SQL) {
            throw new IllegalStateException("the SQL view is made from the decoded and uncommented views where a rule looks at it");
        }
        String base = target == ManagedRuleset.Target.ARGS ? WafScheme.ARGS : WafScheme.HEADERS;
        return this == DECODED ? base : base + "." + yamlName();
    }
}
