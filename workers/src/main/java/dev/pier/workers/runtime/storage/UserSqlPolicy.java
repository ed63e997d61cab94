package dev.pier.workers.runtime.storage;

import java.util.List;
import java.util.Set;

/**
 * What a Durable Object's own SQL may not do: control transactions (the storage does, around each
 * {@code exec} and {@link ObjectStorage#transaction}), attach other databases, change the
 * database's or the session's settings (durability among them), or name the storage's own tables.
 */
final class UserSqlPolicy {

    static final List<String> RESERVED_PREFIXES = List.of("_pier_", "_cf_");

    private static final Set<String> TRANSACTION_CONTROL = Set.of("begin", "commit", "end", "rollback", "savepoint", "release", "start", "abort");
    private static final Set<String> REFUSED = Set.of("attach", "detach", "vacuum", "set", "reset", "discard", "copy", "load", "listen", "notify");
    /** Pragmas that only read the schema, as Cloudflare allows them. */
    private static final Set<String> READABLE_PRAGMAS = Set.of("table_info", "table_xinfo", "table_list", "index_list", "index_info",
            "index_xinfo", "foreign_key_list", "foreign_key_check", "quick_check");

    private UserSqlPolicy() {
    }

    static void check(SqlScript.Statement statement) {
        String first = statement.firstWord();
        if (TRANSACTION_CONTROL.contains(first)) {
            throw new StorageException("sql: " + first.toUpperCase() + " (expected: no transaction statements; use transaction())");
        }
        if (REFUSED.contains(first)) {
            throw new StorageException("sql: " + first.toUpperCase() + " (expected: statements on the object's own tables)");
        }
        if (first.equals("pragma")) {
            checkPragma(statement.tokens());
        }
        for (SqlScript.Token token : statement.tokens()) {
            if (token.kind() != SqlScript.Kind.PUNCTUATION) {
                for (String prefix : RESERVED_PREFIXES) {
                    if (token.text().startsWith(prefix)) {
                        throw new StorageException("sql: " + token.text() + " (expected: no name starting with "
                                + String.join(" or ", RESERVED_PREFIXES) + ", reserved for the storage's own tables)");
                    }
                }
            }
        }
    }

    private static void checkPragma(List<SqlScript.Token> tokens) {
        int nameAt = tokens.size() > 3 && tokens.get(2).text().equals(".") ? 3 : 1;
        String name = tokens.size() > nameAt ? tokens.get(nameAt).text() : "";
        boolean assigns = tokens.stream().anyMatch(t -> t.text().equals("="));
        if (!READABLE_PRAGMAS.contains(name) || assigns) {
            throw new StorageException("sql: PRAGMA " + name + " (expected: one of the pragmas that read the schema: " + READABLE_PRAGMAS.stream().sorted().toList() + ")");
        }
    }
}
