package dev.pier.workers.runtime.storage;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * The leases of the nodes that share a PostgreSQL storage: which node runs each object, in the
 * table {@code _pier_do_leases} of the store's schema. Times are the database's
 * ({@code clock_timestamp()}), so the nodes' clocks do not matter. Every claim that succeeds gets a
 * new token, unique in the store; the object's storage {@link #fenced fenced} by that token commits
 * only while the token holds the lease.
 */
public final class ObjectLeases {

    /** What a claim found. */
    public sealed interface Claim permits Granted, Held {
    }

    /** The claiming node holds the lease now, under {@code token}. */
    public record Granted(long token) implements Claim {
    }

    /**
     * Another node holds the lease, for {@code remainingMillis} more unless it renews it.
     *
     * @param address where that node takes requests for its objects; null when it gave none
     */
    public record Held(String owner, String address, long remainingMillis) implements Claim {
    }

    private final PostgresObjectStore store;
    private final String leases;
    private final String claim;
    private final String holder;
    private final String renew;

    ObjectLeases(PostgresObjectStore store) {
        this.store = store;
        this.leases = store.table("_pier_do_leases");
        this.claim = "INSERT INTO " + leases + " AS l (namespace, object_id, owner, address, token, expires_at)"
                + " VALUES (?, ?, ?, ?, nextval('" + store.table("_pier_do_lease_tokens") + "'), clock_timestamp() + ? * interval '1 millisecond')"
                + " ON CONFLICT (namespace, object_id) DO UPDATE SET owner = excluded.owner, address = excluded.address,"
                + " token = excluded.token, expires_at = excluded.expires_at"
                // an expired lease is anyone's; one of the claiming node's own is taken again (its instance is gone)
                + " WHERE l.expires_at <= clock_timestamp() OR l.owner = excluded.owner"
                + " RETURNING token";
        this.holder = "SELECT owner, address, greatest(0, ceil(extract(epoch FROM expires_at - clock_timestamp()) * 1000))::bigint"
                + " FROM " + leases + " WHERE namespace = ? AND object_id = ?";
        this.renew = "UPDATE " + leases + " AS l SET expires_at = clock_timestamp() + ? * interval '1 millisecond'"
                + " FROM unnest(?::bigint[]) AS mine(token) WHERE l.token = mine.token AND l.owner = ? RETURNING l.token";
    }

    /**
     * Claims {@code ref} for {@code node} for {@code term}: granted when no node holds it, its lease
     * expired, or {@code node} holds it already (it then gets a new token); else who holds it.
     */
    public Claim claim(ObjectRef ref, String node, String address, Duration term) {
        for (int attempt = 0; ; attempt++) {
            try (Connection c = store.connection()) {
                try (PreparedStatement q = c.prepareStatement(claim)) {
                    q.setString(1, ref.namespace());
                    q.setString(2, ref.objectId());
                    q.setString(3, node);
                    q.setString(4, address);
                    q.setLong(5, term.toMillis());
                    try (ResultSet rs = q.executeQuery()) {
                        if (rs.next()) {
                            return new Granted(rs.getLong(1));
                        }
                    }
                }
                try (PreparedStatement q = c.prepareStatement(holder)) {
                    q.setString(1, ref.namespace());
                    q.setString(2, ref.objectId());
                    try (ResultSet rs = q.executeQuery()) {
                        if (rs.next()) {
                            return new Held(rs.getString(1), rs.getString(2), rs.getLong(3));
                        }
                    }
                }
                // released between the two statements: claim it again
                if (attempt == 2) {
                    throw new StorageException("claim of " + ref + ": its lease changed hands three times while it was claimed");
                }
            } catch (SQLException e) {
                throw new StorageException("claim of " + ref + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Renews for {@code term} the leases {@code node} holds under {@code tokens}, in one statement;
     * returns the tokens renewed. A token left out lost its lease: another node took the object over.
     */
    public Set<Long> renew(String node, Collection<Long> tokens, Duration term) {
        if (tokens.isEmpty()) {
            return Set.of();
        }
        try (Connection c = store.connection(); PreparedStatement q = c.prepareStatement(renew)) {
            Array array = c.createArrayOf("bigint", tokens.toArray());
            q.setLong(1, term.toMillis());
            q.setArray(2, array);
            q.setString(3, node);
            Set<Long> renewed = new HashSet<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    renewed.add(rs.getLong(1));
                }
            }
            return renewed;
        } catch (SQLException e) {
            throw new StorageException("renewing " + tokens.size() + " leases: " + e.getMessage(), e);
        }
    }

    /** Gives up the lease held under {@code token}, if it still is: another node may claim the object at once. */
    public void release(long token) {
        update("releasing a lease", "DELETE FROM " + leases + " WHERE token = ?", token);
    }

    /** Gives up every lease {@code node} holds: the node stops. Returns how many it held. */
    public int releaseAll(String node) {
        return update("releasing the leases of " + node, "DELETE FROM " + leases + " WHERE owner = ?", node);
    }

    /**
     * The storage of {@code ref} for the node that holds its lease under {@code token}: each of its
     * commits checks, in its own transaction, that the token still holds the lease (and keeps another
     * node from taking it over until the commit ends), and throws {@link LeaseLostException},
     * writing nothing, when it does not.
     */
    public ObjectStorage fenced(ObjectRef ref, long token) {
        return new PostgresObjectStorage(ref, store, token);
    }

    private int update(String what, String sql, Object value) {
        try (Connection c = store.connection(); PreparedStatement q = c.prepareStatement(sql)) {
            q.setObject(1, value);
            return q.executeUpdate();
        } catch (SQLException e) {
            throw new StorageException(what + ": " + e.getMessage(), e);
        }
    }
}
