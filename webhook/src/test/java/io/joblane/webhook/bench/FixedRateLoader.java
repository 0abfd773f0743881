package io.joblane.webhook.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Open-loop HTTPS load at a fixed rate, the part of wrk2 that Debian lacks: request i is due at start + i/rate,
 * a pool of keep-alive connections (one blocking thread each, JDK TLS) takes them in order, and latency counts from
 * when a request was due, so a stalled server shows up instead of slowing the load down. HTTP/1.1 written and read
 * by hand (Content-Length bodies only) to keep the client's own cost and jitter small. Bounded: each run sends
 * exactly rate × seconds requests, a socket read gives up after 10 s.
 */
final class FixedRateLoader {
    private static final int READ_TIMEOUT_MILLIS = 10_000;

    /** Latencies in nanoseconds of the requests answered 200, and the count of the others (non-200 or failed). */
    record Result(long[] latencies, int finished, int errors, double seconds) {}

    /**
     * Every request of the last run: when it was due (epoch ms), its latency (ns, -1 failed) and the sender
     * (connection) that took it, for lining the tail up with the server's GC and safepoint logs.
     */
    record Trace(long startEpochMillis, long intervalNanos, long[] latencies, short[] senders) {
        void write(java.nio.file.Path file) throws IOException {
            StringBuilder out = new StringBuilder("due_epoch_ms latency_ms sender\n");
            for (int i = 0; i < latencies.length; i++) {
                out.append(String.format(
                        Locale.ROOT,
                        "%.3f %.3f %d%n",
                        startEpochMillis + i * intervalNanos / 1e6,
                        latencies[i] / 1e6,
                        senders[i]));
            }
            java.nio.file.Files.writeString(file, out);
        }
    }

    private Trace trace;

    /** One response: status and body. */
    record Response(int status, byte[] body) {}

    private final SSLSocketFactory tls;
    private final String host;
    private final int port;
    private final byte[] request;

    FixedRateLoader(SSLSocketFactory tls, String host, int port, String path, byte[] body) {
        this.tls = tls;
        this.host = host;
        this.port = port;
        byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: " + host + ":" + port
                        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        request = new byte[head.length + body.length];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(body, 0, request, head.length, body.length);
    }

    /** Sends the request once on a fresh connection. */
    Response once() throws IOException {
        try (Connection c = new Connection()) {
            return c.exchange();
        }
    }

    /**
     * Sends {@code perSecond} requests a second for {@code warmupSeconds + seconds} on {@code connections}
     * keep-alive connections and returns the latencies of the last {@code seconds} only. Every connection is opened
     * (TLS handshake) and used once before the clock starts, and the first {@code warmupSeconds} at the rate are not
     * counted: a fresh client JVM's first handshakes and interpreted code took 300 ms and more, which put up to 3 %
     * of a 20 s run above 250 ms for nginx and the webhook alike (the API server's connections are long-lived and
     * warm). The schedule runs on without a gap from warm-up into the measured part.
     */
    Result run(int perSecond, int seconds, int connections, int warmupSeconds) throws InterruptedException {
        int skipped = perSecond * warmupSeconds;
        int total = skipped + perSecond * seconds;
        long[] latencies = new long[total];
        short[] takenBy = new short[total];
        AtomicInteger next = new AtomicInteger();
        long interval = TimeUnit.SECONDS.toNanos(1) / perSecond;
        CountDownLatch connected = new CountDownLatch(connections);
        CountDownLatch go = new CountDownLatch(1);
        long[] start = new long[1];
        Thread[] senders = new Thread[connections];
        for (int t = 0; t < connections; t++) {
            short sender = (short) t;
            senders[t] = new Thread(
                    () -> {
                        Connection connection = open();
                        connected.countDown();
                        if (!await(go)) {
                            close(connection);
                            return;
                        }
                        for (int i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
                            long due = start[0] + i * interval;
                            takenBy[i] = sender;
                            long wait = due - System.nanoTime();
                            if (wait > 0) {
                                LockSupport.parkNanos(wait);
                            }
                            try {
                                if (connection == null) {
                                    connection = new Connection();
                                }
                                int status = connection.exchange().status();
                                latencies[i] = status == 200 ? System.nanoTime() - due : -1;
                            } catch (IOException e) {
                                latencies[i] = -1;
                                connection = close(connection);
                            }
                        }
                        close(connection);
                    },
                    "fixed-rate-" + t);
            senders[t].setDaemon(true);
            senders[t].start();
        }
        connected.await(30, TimeUnit.SECONDS);
        start[0] = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        long startEpochMillis = System.currentTimeMillis() + 100;
        go.countDown(); // publishes start[0] to the senders (happens-before through the latch)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds + seconds + 30L);
        for (Thread sender : senders) {
            sender.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
        double elapsed = (System.nanoTime() - start[0]) / 1e9 - warmupSeconds;
        long[] measured = Arrays.copyOfRange(latencies, skipped, total);
        trace = new Trace(
                startEpochMillis + TimeUnit.SECONDS.toMillis(warmupSeconds),
                interval,
                measured,
                Arrays.copyOfRange(takenBy, skipped, total));
        long[] done = Arrays.stream(measured).filter(l -> l > 0).toArray();
        return new Result(done, done.length, measured.length - done.length, elapsed);
    }

    /** A connection that has answered one request, or null when that failed (the sender retries per request). */
    private Connection open() {
        Connection connection = null;
        try {
            connection = new Connection();
            connection.exchange();
            return connection;
        } catch (IOException e) {
            return close(connection);
        }
    }

    private static boolean await(CountDownLatch latch) {
        try {
            return latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The requests of the last {@link #run}, or null before one. */
    Trace trace() {
        return trace;
    }

    private static Connection close(Connection connection) {
        if (connection != null) {
            connection.close();
        }
        return null;
    }

    /** One keep-alive TLS connection, used by one thread at a time. */
    private final class Connection implements AutoCloseable {
        private final SSLSocket socket;
        private final InputStream in;
        private final OutputStream out;

        Connection() throws IOException {
            socket = (SSLSocket) tls.createSocket(host, port);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            socket.startHandshake();
            in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            out = socket.getOutputStream();
        }

        Response exchange() throws IOException {
            out.write(request);
            out.flush();
            String status = line();
            String[] parts = status.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP response: " + status);
            }
            int length = -1;
            for (String header = line(); !header.isEmpty(); header = line()) {
                int colon = header.indexOf(':');
                if (colon > 0
                        && header.substring(0, colon)
                                .trim()
                                .toLowerCase(Locale.ROOT)
                                .equals("content-length")) {
                    length = Integer.parseInt(header.substring(colon + 1).trim());
                }
            }
            if (length < 0) {
                throw new IOException("response without Content-Length");
            }
            return new Response(Integer.parseInt(parts[1]), in.readNBytes(length));
        }

        private String line() throws IOException {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream(64);
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("connection closed");
                }
                if (b != '\r') {
                    buffer.write(b);
                }
            }
            return buffer.toString(StandardCharsets.US_ASCII);
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
