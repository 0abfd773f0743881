package io.joblane.certs.x509;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * PEM encoding and decoding of certificates and private keys. Keys are written as PKCS#8 ("PRIVATE KEY");
 * reading also accepts the OpenSSL "EC PRIVATE KEY" and "RSA PRIVATE KEY" forms. Stateless and thread-safe.
 */
public final class Pem {
    private Pem() {}

    public static String encode(X509Certificate... certificates) {
        return encode(List.of(certificates));
    }

    /** Concatenates the certificates as one bundle, in the given order. */
    public static String encode(List<X509Certificate> certificates) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            for (X509Certificate c : certificates) {
                writer.writeObject(c);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    public static String encode(PrivateKey key) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(new PemObject("PRIVATE KEY", key.getEncoded()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Every certificate in the text, in order; at least one, and nothing else but whitespace between them. */
    public static List<X509Certificate> parseCertificates(String pem, String what) {
        List<X509Certificate> result = new ArrayList<>();
        for (Object o : readObjects(pem, what)) {
            if (!(o instanceof X509CertificateHolder holder)) {
                throw new PemException(what + " holds a " + kind(o) + " where a certificate was expected");
            }
            result.add(toCertificate(holder, what));
        }
        if (result.isEmpty()) {
            throw new PemException(what + " holds no PEM certificate");
        }
        return List.copyOf(result);
    }

    /** Exactly one certificate. */
    public static X509Certificate parseCertificate(String pem, String what) {
        List<X509Certificate> all = parseCertificates(pem, what);
        if (all.size() != 1) {
            throw new PemException(what + " holds " + all.size() + " certificates, expected exactly one");
        }
        return all.get(0);
    }

    public static PrivateKey parsePrivateKey(String pem, String what) {
        List<Object> objects = readObjects(pem, what);
        if (objects.size() != 1) {
            throw new PemException(
                    what + " holds " + objects.size() + " PEM objects, expected exactly one private key");
        }
        Object o = objects.get(0);
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try {
            if (o instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (o instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
        } catch (IOException | RuntimeException e) {
            throw new PemException(what + " is not a usable private key: " + e.getMessage(), e);
        }
        throw new PemException(what + " holds a " + kind(o) + " where a private key was expected");
    }

    private static List<Object> readObjects(String pem, String what) {
        if (pem == null || pem.isBlank()) {
            throw new PemException(what + " is empty");
        }
        List<Object> objects = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object o;
            while ((o = parser.readObject()) != null) {
                objects.add(o);
            }
        } catch (IOException | RuntimeException e) {
            throw new PemException(what + " is not valid PEM: " + e.getMessage(), e);
        }
        if (objects.isEmpty()) {
            throw new PemException(what + " holds no PEM block");
        }
        return objects;
    }

    private static X509Certificate toCertificate(X509CertificateHolder holder, String what) {
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            return (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(holder.getEncoded()));
        } catch (CertificateException | IOException e) {
            throw new PemException(what + " holds an unreadable certificate: " + e.getMessage(), e);
        }
    }

    private static String kind(Object o) {
        return o.getClass().getSimpleName();
    }
}
