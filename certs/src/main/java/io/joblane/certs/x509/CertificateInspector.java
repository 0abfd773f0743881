package io.joblane.certs.x509;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.util.IPAddress;

/**
 * Reads stored TLS material and reports what it holds: the names, the validity, whether the key is the
 * certificate's key and which bundle CA signed it. Pure and thread-safe; the caller decides what to do with it.
 */
public final class CertificateInspector {
    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;

    private CertificateInspector() {}

    /** @throws PemException when any of the three cannot be parsed; the message names which */
    public static Inspection inspect(String caPem, String certPem, String keyPem) {
        List<X509Certificate> authorities = Pem.parseCertificates(caPem, "ca.crt");
        List<X509Certificate> chain = Pem.parseCertificates(certPem, "tls.crt");
        X509Certificate leaf = chain.get(0);
        PrivateKey key = Pem.parsePrivateKey(keyPem, "tls.key");
        return new Inspection(
                authorities, leaf, key, names(leaf), KeyPairs.matches(key, leaf), issuerOf(leaf, authorities));
    }

    /** Whether the PEM key is the private key of the PEM certificate; false for anything unreadable. */
    public static boolean keyMatches(String certPem, String keyPem) {
        try {
            return KeyPairs.matches(
                    Pem.parsePrivateKey(keyPem, "key"),
                    Pem.parseCertificates(certPem, "certificate").get(0));
        } catch (PemException e) {
            return false;
        }
    }

    public static boolean keyMatches(PrivateKey key, X509Certificate certificate) {
        return KeyPairs.matches(key, certificate);
    }

    /** The certificate's DNS and IP subject alternative names. */
    public static List<String> names(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        Collection<List<?>> sans;
        try {
            sans = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            throw new PemException("certificate has an unreadable subjectAltName: " + e.getMessage(), e);
        }
        if (sans == null) {
            return List.of();
        }
        for (List<?> san : sans) {
            int type = (Integer) san.get(0);
            if (type == SAN_DNS) {
                names.add(((String) san.get(1)).toLowerCase(Locale.ROOT));
            } else if (type == SAN_IP) {
                names.add(normalizeIp((String) san.get(1)));
            }
        }
        return List.copyOf(names);
    }

    /** The CA in the bundle whose key verifies the certificate's signature, if any. */
    public static Optional<X509Certificate> issuerOf(X509Certificate certificate, List<X509Certificate> authorities) {
        for (X509Certificate ca : authorities) {
            if (!ca.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
                continue;
            }
            try {
                certificate.verify(ca.getPublicKey());
                return Optional.of(ca);
            } catch (GeneralSecurityException | RuntimeException e) {
                // Same subject but another key: keep looking.
            }
        }
        return Optional.empty();
    }

    /** IPv6 in the JDK's uncompressed form ("0:0:0:0:0:0:0:1"), so a name the user wrote as "::1" compares equal. */
    static String normalizeIp(String ip) {
        if (!IPAddress.isValidIPv6(ip)) {
            return ip;
        }
        byte[] octets = ((ASN1OctetString) new GeneralName(GeneralName.iPAddress, ip).getName()).getOctets();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 16; i += 2) {
            if (i > 0) {
                out.append(':');
            }
            out.append(Integer.toHexString(((octets[i] & 0xff) << 8) | (octets[i + 1] & 0xff)));
        }
        return out.toString();
    }
}
