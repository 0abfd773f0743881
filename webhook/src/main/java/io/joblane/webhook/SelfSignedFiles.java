package io.joblane.webhook;

import io.joblane.certs.CertificateFiles;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-process certificate mode ({@code --self-signed-dir}): the same "ensure a certificate in a directory" the
 * {@code certs create --out-dir} command runs (keep valid files, renew the leaf from a good CA, else mint all), so
 * the directory holds {@code ca.crt}, {@code tls.crt}, {@code tls.key} and {@code ca.key}. Called once by
 * {@link Main} before the server starts.
 */
record SelfSignedFiles(Path ca, Path cert, Path key) {
    private static final Logger LOG = LoggerFactory.getLogger(SelfSignedFiles.class);
    /** Local callers (demo, port-forward) reach the webhook by these names too. */
    static final List<String> LOCAL_NAMES = List.of("localhost", "127.0.0.1");

    static SelfSignedFiles ensure(Path dir, String service, String namespace) {
        CertificateFiles.Result result =
                CertificateFiles.ensure(dir, service, namespace, LOCAL_NAMES, Clock.systemUTC());
        LOG.info("certificate for {}.{} in {}: {}", service, namespace, dir, result.describe());
        return new SelfSignedFiles(result.caFile(), result.certFile(), result.keyFile());
    }
}
