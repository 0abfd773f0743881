package io.joblane.certs;

import io.joblane.certs.x509.CertificateEnsurer;
import io.joblane.certs.x509.CertificateSpec;
import io.joblane.certs.x509.EnsureOutcome;
import io.joblane.certs.x509.StoredMaterial;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps a valid CA and serving certificate as PEM files in a directory: {@code ca.crt}, {@code tls.crt},
 * {@code tls.key} and {@code ca.key} (keys owner-read-only). Used by {@code certs create --out-dir} and by the
 * webhook's in-process certificate mode; same decision as the Secret path ({@link CertificateEnsurer}). Not safe
 * for two processes ensuring the same directory at once.
 */
public final class CertificateFiles {
    private static final Set<PosixFilePermission> KEY_PERMISSIONS = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> CERT_PERMISSIONS = PosixFilePermissions.fromString("rw-r--r--");

    /** The outcome and where the files are. */
    public record Result(EnsureOutcome outcome, Path caFile, Path certFile, Path keyFile) {
        public boolean changed() {
            return outcome.action().changed();
        }

        public String describe() {
            return outcome.describe();
        }
    }

    private CertificateFiles() {}

    /** Keeps or (re)creates the files for the service with the default spec (ECDSA P-256, CA 10 years, leaf 1 year). */
    public static Result ensure(Path dir, String service, String namespace, List<String> extraNames, Clock clock) {
        return ensure(dir, CertificateSpec.of(service, namespace, extraNames), clock);
    }

    public static Result ensure(Path dir, CertificateSpec spec, Clock clock) {
        EnsureOutcome outcome = CertificateEnsurer.ensure(read(dir), spec, clock);
        if (outcome.action().changed()) {
            write(dir, outcome.material());
        }
        return new Result(
                outcome,
                dir.resolve(StoredMaterial.CA_CRT),
                dir.resolve(StoredMaterial.TLS_CRT),
                dir.resolve(StoredMaterial.TLS_KEY));
    }

    /** What the directory holds; absent files are null, so a missing directory reads as nothing stored. */
    public static StoredMaterial read(Path dir) {
        Map<String, String> entries = new HashMap<>();
        for (String name :
                List.of(StoredMaterial.CA_CRT, StoredMaterial.TLS_CRT, StoredMaterial.TLS_KEY, StoredMaterial.CA_KEY)) {
            Path file = dir.resolve(name);
            if (Files.isRegularFile(file)) {
                try {
                    entries.put(name, Files.readString(file, StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new CertsException(CertsException.FAILED, "cannot read " + file + ": " + e.getMessage(), e);
                }
            }
        }
        return StoredMaterial.fromEntries(entries);
    }

    /**
     * Writes each file to a temporary file in the same directory and renames it into place, so a reader never sees
     * a partial file. The serving certificate is renamed last: a watcher that reloads on its change finds the
     * matching key already in place (between the key's and the certificate's rename a reload may see a pair that
     * does not match and must keep its old one).
     */
    public static void write(Path dir, StoredMaterial material) {
        try {
            Files.createDirectories(dir);
            writeAtomically(dir, StoredMaterial.CA_CRT, material.caPem(), CERT_PERMISSIONS);
            writeAtomically(dir, StoredMaterial.CA_KEY, material.caKeyPem(), KEY_PERMISSIONS);
            writeAtomically(dir, StoredMaterial.TLS_KEY, material.keyPem(), KEY_PERMISSIONS);
            writeAtomically(dir, StoredMaterial.TLS_CRT, material.certPem(), CERT_PERMISSIONS);
        } catch (IOException e) {
            throw new CertsException(
                    CertsException.FAILED, "cannot write certificates to " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void writeAtomically(Path dir, String name, String content, Set<PosixFilePermission> permissions)
            throws IOException {
        Path target = dir.resolve(name);
        if (content == null) {
            Files.deleteIfExists(target);
            return;
        }
        Path temp = createTemp(dir, name, permissions);
        try {
            try (FileChannel channel =
                    FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    // Created with its final permissions, so a key is never readable by others, not even for a moment.
    private static Path createTemp(Path dir, String name, Set<PosixFilePermission> permissions) throws IOException {
        try {
            FileAttribute<Set<PosixFilePermission>> attr = PosixFilePermissions.asFileAttribute(permissions);
            return Files.createTempFile(dir, "." + name + ".", ".tmp", attr);
        } catch (UnsupportedOperationException e) {
            return Files.createTempFile(dir, "." + name + ".", ".tmp");
        }
    }
}
