package io.joblane.webhook;

import io.joblane.certs.x509.CertificateInspector;
import io.joblane.certs.x509.CertificateMint;
import io.joblane.certs.x509.Pem;
import io.joblane.certs.x509.TlsMaterial;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-process certificate mode ({@code --self-signed-dir}): keeps {@code ca.crt}, {@code tls.crt} and
 * {@code tls.key} in a directory, minting new ones with the certs module when they are missing, broken or close
 * to expiry. Called once by {@link Main} before the server starts.
 */
record SelfSignedFiles(Path ca, Path cert, Path key) {
    private static final Logger LOG = LoggerFactory.getLogger(SelfSignedFiles.class);
    private static final Duration RENEW_BEFORE = Duration.ofDays(30);
    /** Local callers (demo, port-forward) reach the webhook by these names too. */
    static final List<String> LOCAL_NAMES = List.of("localhost", "127.0.0.1");

    static SelfSignedFiles ensure(Path dir, String service, String namespace) {
        SelfSignedFiles files = new SelfSignedFiles(dir.resolve("ca.crt"), dir.resolve("tls.crt"), dir.resolve("tls.key"));
        try {
            Files.createDirectories(dir);
            String reason = files.problem(service, namespace);
            if (reason == null) {
                LOG.info("keeping the certificate in {}", dir);
                return files;
            }
            TlsMaterial material = CertificateMint.mint(service, namespace, LOCAL_NAMES);
            files.write(material);
            LOG.info("created a CA and serving certificate for {}.{} in {} ({})", service, namespace, dir, reason);
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep certificates in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Why the stored files cannot be kept, or null when they can. */
    private String problem(String service, String namespace) throws IOException {
        if (!Files.isRegularFile(cert) || !Files.isRegularFile(key) || !Files.isRegularFile(ca)) {
            return "no certificate yet";
        }
        String certPem = Files.readString(cert);
        String keyPem = Files.readString(key);
        try {
            if (!CertificateInspector.keyMatches(certPem, keyPem)) {
                return "key does not match the certificate";
            }
            var leaf = Pem.parseCertificates(certPem, cert.toString()).get(0);
            if (leaf.getNotAfter().toInstant().isBefore(Instant.now().plus(RENEW_BEFORE))) {
                return "certificate expires " + leaf.getNotAfter().toInstant();
            }
            List<String> names = CertificateInspector.names(leaf);
            for (String wanted : CertificateMint.serviceNames(service, namespace, LOCAL_NAMES)) {
                if (!names.contains(wanted)) {
                    return "certificate does not cover " + wanted;
                }
            }
            return null;
        } catch (IllegalArgumentException e) {
            return "unreadable: " + e.getMessage();
        }
    }

    /** Key and CA first, the serving certificate last, each renamed into place so no reader sees half a file. */
    private void write(TlsMaterial material) throws IOException {
        replace(ca, material.caPem(), "rw-r--r--");
        replace(key, material.keyPem(), "rw-------");
        replace(cert, material.certPem(), "rw-r--r--");
    }

    private static void replace(Path target, String content, String permissions) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(permissions));
            Files.writeString(tmp, content);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
