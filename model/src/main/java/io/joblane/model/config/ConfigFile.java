package io.joblane.model.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node-group file as a live value: loaded and validated at start (an invalid file throws), then
 * re-read whenever its bytes change. Polling the content, not watching the directory, because a mounted
 * ConfigMap changes by swapping a symlink that inotify-based watchers often miss. An invalid new version
 * is logged and the last good one kept. {@link #current()} is safe from any thread.
 */
public final class ConfigFile implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigFile.class);

    /** Told about each reload attempt, on the poller's thread. */
    public interface Listener {
        void reloaded(JoblaneConfig config);

        default void rejected(InvalidConfigException error) {}
    }

    private final Path path;
    private final AtomicReference<JoblaneConfig> current = new AtomicReference<>();
    private final Listener listener;
    private volatile byte[] lastBytes;
    private ScheduledExecutorService poller;

    private ConfigFile(Path path, Listener listener) {
        this.path = path;
        this.listener = listener;
    }

    /** Loads the file now (throwing when invalid) and starts polling it every {@code interval}. */
    public static ConfigFile watch(Path path, Duration interval, Listener listener) throws InvalidConfigException {
        ConfigFile file = new ConfigFile(path, listener);
        file.lastBytes = file.read();
        file.current.set(ConfigLoader.parse(
                new String(file.lastBytes, java.nio.charset.StandardCharsets.UTF_8), path.toString()));
        file.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "config-watch");
            t.setDaemon(true);
            return t;
        });
        long millis = Math.max(50, interval.toMillis());
        file.poller.scheduleWithFixedDelay(file::poll, millis, millis, TimeUnit.MILLISECONDS);
        return file;
    }

    public JoblaneConfig current() {
        return current.get();
    }

    public Path path() {
        return path;
    }

    /** Checks the file once; the poller calls it, and tests in this package without waiting for the poller. */
    void poll() {
        byte[] bytes;
        try {
            bytes = read();
        } catch (InvalidConfigException e) {
            LOG.warn("config file unreadable, keeping the last good version: {}", e.getMessage());
            listener.rejected(e);
            return;
        }
        if (Arrays.equals(bytes, lastBytes)) {
            return;
        }
        lastBytes = bytes;
        try {
            JoblaneConfig next =
                    ConfigLoader.parse(new String(bytes, java.nio.charset.StandardCharsets.UTF_8), path.toString());
            current.set(next);
            LOG.info(
                    "config reloaded from {}: {} node groups",
                    path,
                    next.nodeGroups().size());
            listener.reloaded(next);
        } catch (InvalidConfigException e) {
            LOG.error("config change rejected, keeping the last good version: {}", e.getMessage());
            listener.rejected(e);
        }
    }

    private byte[] read() throws InvalidConfigException {
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new InvalidConfigException(path.toString(), java.util.List.of("cannot read file: " + e));
        }
    }

    @Override
    public void close() {
        if (poller != null) {
            poller.shutdownNow();
        }
    }
}
