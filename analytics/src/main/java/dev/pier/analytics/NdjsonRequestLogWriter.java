package dev.pier.analytics;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes request logs as NDJSON, one object per line, on a thread of its own so that the event
 * loops never touch the disk. A file is appended to (it survives restarts).
 *
 * <p>Records are written in batches: once a record arrives after a quiet spell, the writer waits
 * {@value #GATHER_MILLIS} ms for the records that follow it and writes them all at once. Only
 * the first record of a batch wakes the writer, so a busy event loop hands a record over
 * without a system call, and the file (and any watcher of its folder) sees one write per batch.
 *
 * <p>What is accepted is written: a batch that fails to reach the disk (a full disk, a file
 * that went away) is cut back to where it started, so no half line is left, and written again
 * after a pause that doubles up to five seconds, with a warning each time. Memory stays
 * bounded meanwhile: at most {@code capacity} records wait, and a record that finds the queue
 * full is dropped and counted in {@link RequestLogStats}, never queued without bound.
 */
public final class NdjsonRequestLogWriter implements RequestLogSink, AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(NdjsonRequestLogWriter.class);
    private static final JsonFactory JSON = new JsonFactory();
    /** Records waiting for the disk by default: about 64 MiB at the most. */
    public static final int DEFAULT_CAPACITY = 65_536;
    private static final int MAX_BATCH = 4_096;
    /** How long the first record of a batch waits for others: records reach the file this much later at most. */
    static final long GATHER_MILLIS = 10;
    private static final long FIRST_PAUSE_MILLIS = 100;
    private static final long LONGEST_PAUSE_MILLIS = 5_000;
    /** How long {@link #close()} keeps trying to write what is queued. */
    private static final long CLOSE_MILLIS = 10_000;

    private final ArrayBlockingQueue<RequestLog> queue;
    /** The most records one batch takes: with the queue full behind it, twice the capacity is held at most. */
    private final int maxBatch;
    private final RequestLogStats stats;
    private final Path file;
    private final Thread thread;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(64 * 1024);
    private FileChannel channel;
    private volatile boolean closing;
    private volatile long closeDeadline;
    private long lastDropWarning;

    /** @param file the log file, created with its folders if needed; {@code null} for standard output */
    public NdjsonRequestLogWriter(Path file) throws IOException {
        this(file, DEFAULT_CAPACITY, new RequestLogStats());
    }

    /**
     * @param file     the log file, created with its folders if needed; {@code null} for standard output
     * @param capacity how many records may wait for the disk
     * @param stats    where written, dropped and failed writes are counted (shared by the writers a node replaces on reload)
     */
    public NdjsonRequestLogWriter(Path file, int capacity, RequestLogStats stats) throws IOException {
        this.file = file;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.maxBatch = Math.min(MAX_BATCH, capacity);
        this.stats = stats;
        if (file != null) {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            channel = open(file); // a file that cannot be opened at start is a configuration error
        }
        thread = new Thread(this::run, "pier-request-log");
        thread.setDaemon(true);
        thread.start();
    }

    /** Where this writer writes, or {@code null} for standard output. */
    public Path file() {
        return file;
    }

    @Override
    public void accept(RequestLog log) {
        if (closing || !queue.offer(log)) {
            stats.dropOne();
            warnDropped();
        }
    }

    /** Records waiting for the disk now. */
    public int queued() {
        return queue.size();
    }

    private void run() {
        List<RequestLog> batch = new ArrayList<>(maxBatch);
        try {
            while (!(closing && queue.isEmpty())) {
                RequestLog first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                if (!closing) {
                    // Asleep, the writer waits on no condition of the queue: the records of a busy moment arrive without waking it.
                    Thread.sleep(GATHER_MILLIS);
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                encode(batch);
                if (persist(batch.size())) {
                    stats.written(batch.size());
                } else {
                    stats.dropped(batch.size());
                }
                batch.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            logger.error("Request log {}: the writer failed; {} records are lost", where(), batch.size() + queue.size(), e);
            stats.dropped(batch.size() + queue.size());
        } finally {
            closeChannel();
        }
    }

    private void encode(List<RequestLog> batch) throws IOException {
        buffer.reset();
        try (JsonGenerator json = JSON.createGenerator(buffer, JsonEncoding.UTF8)) {
            json.setRootValueSeparator(null);
            for (RequestLog log : batch) {
                write(json, log);
            }
        }
    }

    /** Writes the encoded batch, retrying until it is written; false only when closing gave up on it. */
    private boolean persist(int records) throws InterruptedException {
        long pause = FIRST_PAUSE_MILLIS;
        while (true) {
            try {
                writeBuffer();
                return true;
            } catch (IOException e) {
                stats.writeFailed();
                closeChannel();
                if (closing && System.currentTimeMillis() + pause > closeDeadline) {
                    logger.error("Request log {} cannot be written ({}); closing, {} records are lost", where(), e.toString(),
                            records + queue.size());
                    return false;
                }
                logger.warn("Request log {} cannot be written ({}); {} records wait, trying again in {} ms", where(), e.toString(),
                        records + queue.size(), pause);
                Thread.sleep(pause);
                pause = Math.min(pause * 2, LONGEST_PAUSE_MILLIS);
            }
        }
    }

    private void writeBuffer() throws IOException {
        if (file == null) {
            buffer.writeTo(System.out);
            System.out.flush();
            if (System.out.checkError()) {
                throw new IOException("standard output is closed or failing");
            }
            return;
        }
        if (channel == null) {
            channel = open(file);
        }
        long start = channel.size();
        try {
            buffer.writeTo(Channels.newOutputStream(channel)); // writes it all or throws; closes nothing
        } catch (IOException e) {
            cutBack(start);
            throw e;
        }
    }

    /** Takes a partly written batch back off the file, so that the retry leaves whole lines only. */
    private void cutBack(long size) {
        try {
            if (channel.size() > size) {
                channel.truncate(size);
            }
        } catch (IOException e) {
            logger.warn("Request log {}: a partly written batch could not be taken back ({}); the file may hold a broken line",
                    where(), e.toString());
        }
    }

    private static FileChannel open(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    private void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // the next attempt opens the file again
            }
            channel = null;
        }
    }

    private void warnDropped() {
        long now = System.currentTimeMillis();
        if (now - lastDropWarning > 10_000) { // racy on purpose: at most a few warnings a burst, no lock on the event loops
            lastDropWarning = now;
            logger.warn("Request log {}: {} records wait for the disk, the most allowed; new records are dropped "
                    + "(pier_request_log_dropped_records_total counts them)", where(), queue.size());
        }
    }

    private String where() {
        return file == null ? "stdout" : file.toString();
    }

    /** One record as one line: the fields {@link RequestLogFields} lists, those the record carries. */
    private static void write(JsonGenerator json, RequestLog log) throws IOException {
        json.writeStartObject();
        for (RequestLogFields.Field field : RequestLogFields.ALL) {
            if (field.present().test(log)) {
                writeField(json, field, field.value().apply(log));
            }
        }
        json.writeEndObject();
        json.writeRaw('\n');
    }

    private static void writeField(JsonGenerator json, RequestLogFields.Field field, Object value) throws IOException {
        json.writeFieldName(field.name());
        if (value == null) {
            json.writeNull();
            return;
        }
        switch (field.type()) {
            case STRING -> json.writeString((String) value);
            case INT -> json.writeNumber((Integer) value);
            case LONG -> json.writeNumber((Long) value);
            case BOOLEAN -> json.writeBoolean((Boolean) value);
            case TIMESTAMP -> json.writeString(RequestLogFields.timestamp(value));
            case STRING_ARRAY -> {
                json.writeStartArray();
                for (Object v : (java.util.List<?>) value) {
                    json.writeString((String) v);
                }
                json.writeEndArray();
            }
        }
    }

    /** Writes everything queued so far (trying for up to ten seconds), then stops; later records are dropped. */
    @Override
    public void close() {
        closeDeadline = System.currentTimeMillis() + CLOSE_MILLIS;
        closing = true;
        try {
            thread.join(CLOSE_MILLIS + 1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
