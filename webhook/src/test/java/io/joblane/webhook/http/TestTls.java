package io.joblane.webhook.http;

import io.joblane.certs.x509.CertificateMint;
import io.joblane.certs.x509.TlsMaterial;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Certificates for HTTP tests, minted by our own certs module for localhost. */
public final class TestTls {
    private TestTls() {}

    public static TlsMaterial mint() {
        return CertificateMint.mint("joblane-webhook", "joblane", List.of("localhost", "127.0.0.1"));
    }

    /** Writes cert then key, the non-atomic order a naive rotation uses. */
    public static void write(TlsMaterial material, Path cert, Path key) {
        try {
            Files.writeString(cert, material.certPem());
            Files.writeString(key, material.keyPem());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
