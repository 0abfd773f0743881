package io.joblane.webhook.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * nginx on loopback answering {@code POST /mutate} with a canned AdmissionReview answer, over TLS with the same
 * certificate and protocols as the webhook: the reference the benchmark divides by. One worker per core, as the
 * webhook runs one event loop per core; no access log; keep-alive never closed by request count (the webhook does
 * not close either, and wrk would otherwise measure nginx's reconnects).
 */
final class NginxReference implements AutoCloseable {
    private final Process process;
    private final Path dir;

    private NginxReference(Process process, Path dir) {
        this.process = process;
        this.dir = dir;
    }

    static NginxReference start(Path dir, int port, Path cert, Path key, byte[] answer) throws Exception {
        String body = new String(answer, StandardCharsets.UTF_8);
        if (body.contains("'") || body.contains("\\") || body.contains("$")) {
            throw new IllegalArgumentException("the canned answer has a character nginx's return would change");
        }
        Files.createDirectories(dir.resolve("tmp"));
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(
                conf,
                String.join(
                        "\n",
                        List.of(
                                "worker_processes auto;",
                                "daemon off;",
                                "pid " + dir.resolve("nginx.pid") + ";",
                                "error_log " + dir.resolve("error.log") + " warn;",
                                "events { worker_connections 1024; }",
                                "http {",
                                "  access_log off;",
                                "  client_body_temp_path " + dir.resolve("tmp/body") + ";",
                                "  proxy_temp_path " + dir.resolve("tmp/proxy") + ";",
                                "  fastcgi_temp_path " + dir.resolve("tmp/fastcgi") + ";",
                                "  uwsgi_temp_path " + dir.resolve("tmp/uwsgi") + ";",
                                "  scgi_temp_path " + dir.resolve("tmp/scgi") + ";",
                                "  keepalive_requests 100000000;",
                                "  keepalive_timeout 300s;",
                                "  server {",
                                "    listen 127.0.0.1:" + port + " ssl;",
                                "    ssl_certificate " + cert + ";",
                                "    ssl_certificate_key " + key + ";",
                                "    ssl_protocols TLSv1.2 TLSv1.3;",
                                "    location = /mutate {",
                                "      default_type application/json;",
                                "      return 200 '" + body + "';",
                                "    }",
                                "  }",
                                "}",
                                "")));
        Process process = new ProcessBuilder("nginx", "-p", dir.toString(), "-c", conf.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("nginx.out").toFile())
                .start();
        NginxReference nginx = new NginxReference(process, dir);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                nginx.close();
                throw new IllegalStateException("nginx exited with " + process.exitValue() + ": "
                        + Files.readString(dir.resolve("nginx.out")) + Files.readString(dir.resolve("error.log")));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return nginx;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        nginx.close();
        throw new IllegalStateException("nginx not listening on " + port + " within 20 s");
    }

    /** nginx's master and worker processes, for CPU accounting. */
    List<Long> pids() {
        List<Long> pids = new java.util.ArrayList<>();
        pids.add(process.pid());
        process.descendants().forEach(p -> pids.add(p.pid()));
        return pids;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    Path dir() {
        return dir;
    }
}
