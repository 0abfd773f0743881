package io.joblane.webhook.http;

import io.joblane.certs.x509.CertificateInspector;
import io.joblane.certs.x509.Pem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Arrays;

/**
 * The serving certificate and key as read from their PEM files, checked before use: both parse and the key
 * belongs to the certificate. Read bytes (not paths) are handed to Vert.x so what was checked is what is served.
 */
record TlsMaterialFiles(byte[] cert, byte[] key, X509Certificate leaf) {

    static byte[][] readBytes(Path certFile, Path keyFile) throws IOException {
        return new byte[][] {Files.readAllBytes(certFile), Files.readAllBytes(keyFile)};
    }

    /** Parses and checks; the message of the exception says what is wrong, for the log. */
    static TlsMaterialFiles check(byte[] cert, byte[] key) {
        String certPem = new String(cert, StandardCharsets.US_ASCII);
        String keyPem = new String(key, StandardCharsets.US_ASCII);
        X509Certificate leaf = Pem.parseCertificates(certPem, "tls certificate").get(0);
        if (!CertificateInspector.keyMatches(certPem, keyPem)) {
            throw new IllegalArgumentException("tls key does not belong to the certificate");
        }
        return new TlsMaterialFiles(cert, key, leaf);
    }

    boolean sameBytes(byte[] otherCert, byte[] otherKey) {
        return Arrays.equals(cert, otherCert) && Arrays.equals(key, otherKey);
    }
}
