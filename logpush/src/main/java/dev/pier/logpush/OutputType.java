package dev.pier.logpush;

/** Cloudflare's {@code output_type}: it sets the defaults of the other output options and how strings are quoted. */
public enum OutputType {
    /** One JSON object per line: record prefix <code>{</code>, suffix <code>}\n</code>, fields {@code "Name":value}. */
    NDJSON("ndjson", "{", "}\n"),
    /** Values only, strings double-quoted: record suffix {@code \n}. */
    CSV("csv", "", "\n");

    private final String id;
    private final String recordPrefix;
    private final String recordSuffix;

    OutputType(String id, String recordPrefix, String recordSuffix) {
        this.id = id;
        this.recordPrefix = recordPrefix;
        this.recordSuffix = recordSuffix;
    }

    public String id() {
        return id;
    }

    String defaultRecordPrefix() {
        return recordPrefix;
    }

    String defaultRecordSuffix() {
        return recordSuffix;
    }

    public static OutputType of(String field, String id) {
        for (OutputType t : values()) {
            if (t.id.equals(id)) {
                return t;
            }
        }
        throw new LogpushException(field, id + " (expected: ndjson or csv)");
    }
}
