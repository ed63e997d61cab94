package dev.pier.analytics.store;

import dev.pier.analytics.RequestLog;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A store that is opened when first needed and opened again after a failure to open, so that a
 * node starts while its PostgreSQL is away (its records wait in the spool meanwhile). Once open,
 * the store's own pool reconnects.
 */
public final class ReconnectingAnalyticsStore implements AnalyticsStore {

    private static final Logger logger = LoggerFactory.getLogger(ReconnectingAnalyticsStore.class);
    private final Supplier<AnalyticsStore> opener;
    private AnalyticsStore store;
    private boolean closed;

    /** @param opener opens the store, or throws {@link AnalyticsStoreException} when it cannot */
    public ReconnectingAnalyticsStore(Supplier<AnalyticsStore> opener) {
        this.opener = opener;
    }

    private synchronized AnalyticsStore store() {
        if (closed) {
            throw new IllegalStateException("analytics store: closed");
        }
        if (store == null) {
            store = opener.get();
            logger.info("Analytics store open");
        }
        return store;
    }

    @Override
    public int insert(List<RequestLog> records) {
        return store().insert(records);
    }

    @Override
    public List<TrafficRow> traffic(AnalyticsQuery query) {
        return store().traffic(query);
    }

    @Override
    public List<WebSocketRow> webSockets(AnalyticsQuery query) {
        return store().webSockets(query);
    }

    @Override
    public List<UniquesRow> uniques(AnalyticsQuery query) {
        return store().uniques(query);
    }

    @Override
    public Retention retention() {
        return store().retention();
    }

    @Override
    public void applyRetention(Instant now) {
        store().applyRetention(now);
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (store != null) {
            store.close();
        }
    }
}
