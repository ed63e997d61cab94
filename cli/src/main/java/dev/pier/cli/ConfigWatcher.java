package dev.pier.cli;

import dev.pier.config.ConfigException;
import dev.pier.config.ConfigLoader;
import dev.pier.config.PierConfig;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Reloads the configuration file when it changes on disk or when the process gets SIGHUP. A
 * file that does not load is reported and the running configuration stays as it is.
 */
final class ConfigWatcher implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(ConfigWatcher.class);

    private final Path file;
    private final boolean watchFile;
    private final WatchService watcher;
    private final Thread thread;
    private volatile Consumer<PierConfig> apply;
    /** Whether the file is a symbolic link, whose target changes without an event naming the file. */
    private final boolean linked;
    /** What the file held when last read; a change is a change of content, not of timestamps. */
    private byte[] lastContent;
    /** How many times a change in the folder made the file be read again. */
    private volatile int rereads;

    ConfigWatcher(Path file, Consumer<PierConfig> apply) throws IOException {
        this(file, apply, true);
    }

    /** @param watchFile false to reload on SIGHUP only */
    ConfigWatcher(Path file, Consumer<PierConfig> apply, boolean watchFile) throws IOException {
        this(file, watchFile);
        start(apply);
    }

    /**
     * Watches the file from now on (the part that can fail: a machine can run out of inotify
     * instances), applying nothing until {@link #start}. A change made before then is applied
     * by {@code start}, so the file can be read for the first configuration after this.
     */
    ConfigWatcher(Path file, boolean watchFile) throws IOException {
        this.file = file.toAbsolutePath();
        this.watchFile = watchFile;
        this.linked = Files.isSymbolicLink(this.file);
        this.lastContent = content();
        this.watcher = FileSystems.getDefault().newWatchService();
        this.thread = new Thread(this::watch, "pier-config-watcher");
        thread.setDaemon(true);
        if (watchFile) {
            // The folder, not the file: editors replace files, and a watch on the old one would go quiet.
            this.file.getParent().register(watcher, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE);
        }
    }

    /** Applies every later change (and any since construction) with {@code apply}; reloads on SIGHUP. */
    void start(Consumer<PierConfig> apply) {
        this.apply = apply;
        if (watchFile) {
            thread.start(); // events queued since construction are read first
        }
        try {
            SignalHandler previous = Signal.handle(new Signal("HUP"), signal -> reload("SIGHUP"));
            if (previous == SignalHandler.SIG_IGN) {
                // The JVM leaves a signal that was ignored when it started (nohup) ignored, and says nothing.
                logger.warn("SIGHUP is ignored in this process (started under nohup?), so `kill -HUP` does not reload {};"
                        + " changes to the file are still applied. Start Pier without nohup (systemd, setsid) to reload on SIGHUP",
                        file);
            }
        } catch (IllegalArgumentException e) {
            logger.debug("SIGHUP is not available here: {}", e.getMessage());
        }
    }

    private void watch() {
        try {
            while (true) {
                WatchKey key = watcher.take();
                if (!concernsTheFile(key)) {
                    continue; // the folder also holds other files (a request log beside the config writes on every request)
                }
                // Editors write in several steps; let the file settle before reading it.
                TimeUnit.MILLISECONDS.sleep(100);
                key.pollEvents();
                key.reset();
                rereads++;
                byte[] now = content();
                if (now != null && !Arrays.equals(now, lastContent)) {
                    lastContent = now;
                    reload("file change");
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closing
        }
    }

    /**
     * Whether the key's events name the config file (or overflowed, so may have); takes the events
     * and re-arms the key when they do not.
     */
    private boolean concernsTheFile(WatchKey key) {
        if (linked) {
            return true; // a link is replaced through other names (Kubernetes swaps a `..data` link beside it)
        }
        Path name = file.getFileName();
        boolean concerns = false;
        for (WatchEvent<?> event : key.pollEvents()) {
            if (event.kind() == StandardWatchEventKinds.OVERFLOW || name.equals(event.context())) {
                concerns = true;
            }
        }
        if (!concerns) {
            key.reset();
        }
        return concerns;
    }

    /**
     * The file's bytes, or null while it does not exist. Timestamps are no test of change: two
     * writes within the file system's clock tick share one, and the file is small enough to read.
     */
    private byte[] content() {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            return null;
        }
    }

    /** How many times a change in the folder made the file be read again. */
    int rereads() {
        return rereads;
    }

    synchronized void reload(String why) {
        try {
            PierConfig next = ConfigLoader.load(file);
            apply.accept(next);
            logger.info("Configuration reloaded ({}): {} zone(s)", why, next.zones().size());
        } catch (ConfigException e) {
            logger.error("Configuration not reloaded ({}), the running one stays: {}", why, e.getMessage());
        }
    }

    @Override
    public void close() throws IOException {
        watcher.close();
        thread.interrupt();
    }
}
