package io.joblane.certs.x509;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;

/**
 * Mints the webhook's CA and serving certificates with Bouncy Castle. Pure: the time comes from the given
 * {@link Clock}, nothing is read or written. Called by the {@code certs} CLI and by the webhook's in-process mode;
 * thread-safe.
 */
public final class CertificateMint {
    /** notBefore is set this far in the past so a client whose clock lags a little still accepts a fresh certificate. */
    public static final Duration NOT_BEFORE_BACKDATE = Duration.ofMinutes(5);

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS_NAME =
            Pattern.compile("(\\*\\.)?[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*");
    private static final SecureRandom RANDOM = new SecureRandom();

    private CertificateMint() {}

    /** A new CA and a serving certificate for the service, with the defaults (ECDSA P-256, CA 10 years, leaf 1 year). */
    public static TlsMaterial mint(String service, String namespace, List<String> extraNames) {
        return mint(service, namespace, extraNames, MintOptions.DEFAULTS, Clock.systemUTC());
    }

    public static TlsMaterial mint(
            String service, String namespace, List<String> extraNames, MintOptions options, Clock clock) {
        List<String> names = serviceNames(service, namespace, extraNames);
        CertificateAuthority ca = mintAuthority(options, clock);
        ServingCertificate leaf = issue(ca, names, options, clock);
        return new TlsMaterial(ca.certPem(), leaf.certPem(), leaf.keyPem());
    }

    /** A serving certificate for the service from an existing CA; the returned bundle holds just that CA. */
    public static TlsMaterial mint(
            CertificateAuthority ca,
            String service,
            String namespace,
            List<String> extraNames,
            MintOptions options,
            Clock clock) {
        ServingCertificate leaf = issue(ca, serviceNames(service, namespace, extraNames), options, clock);
        return new TlsMaterial(ca.certPem(), leaf.certPem(), leaf.keyPem());
    }

    /**
     * The names a Kubernetes client may use for the service, in this order: {@code <svc>}, {@code <svc>.<ns>},
     * {@code <svc>.<ns>.svc}, {@code <svc>.<ns>.svc.cluster.local}, then the extra names (DNS names or IP
     * addresses), lower-cased and without duplicates.
     */
    public static List<String> serviceNames(String service, String namespace, List<String> extraNames) {
        String svc = requireLabel(service, "service");
        String ns = requireLabel(namespace, "namespace");
        Set<String> names = new LinkedHashSet<>();
        names.add(svc);
        names.add(svc + "." + ns);
        names.add(svc + "." + ns + ".svc");
        names.add(svc + "." + ns + ".svc.cluster.local");
        for (String extra : extraNames == null ? List.<String>of() : extraNames) {
            names.add(normalizeName(extra));
        }
        return List.copyOf(names);
    }

    /** A self-signed CA: basicConstraints CA with path length 0, key usage keyCertSign and cRLSign. */
    public static CertificateAuthority mintAuthority(MintOptions options, Clock clock) {
        KeyPair pair = KeyPairs.generate(options.algorithm());
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "joblane")
                .addRDN(
                        BCStyle.CN,
                        "joblane-ca@" + now.getEpochSecond() + "."
                                + HexFormat.of().toHexDigits(RANDOM.nextInt()))
                .build();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                            subject,
                            serial(),
                            Date.from(now.minus(NOT_BEFORE_BACKDATE)),
                            Date.from(now.plus(options.caValidity())),
                            subject,
                            pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(
                            Extension.keyUsage,
                            true,
                            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature))
                    .addExtension(
                            Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            X509Certificate cert = sign(builder, pair.getPrivate(), options.algorithm());
            return new CertificateAuthority(cert, pair.getPrivate());
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot mint a CA: " + e.getMessage(), e);
        }
    }

    /**
     * A serving certificate for the given names (the first is also the subject CN), signed by the CA, key usage
     * digitalSignature (plus keyEncipherment for RSA), extended key usage serverAuth. Its notAfter never passes
     * the CA's own.
     */
    public static ServingCertificate issue(
            CertificateAuthority ca, List<String> dnsNames, MintOptions options, Clock clock) {
        if (dnsNames == null || dnsNames.isEmpty()) {
            throw new IllegalArgumentException("a serving certificate needs at least one name");
        }
        List<String> names = new ArrayList<>();
        for (String n : dnsNames) {
            names.add(normalizeName(n));
        }
        KeyPair pair = KeyPairs.generate(options.algorithm());
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant notAfter = now.plus(options.leafValidity());
        Instant caNotAfter = ca.certificate().getNotAfter().toInstant();
        if (notAfter.isAfter(caNotAfter)) {
            notAfter = caNotAfter;
        }
        if (!notAfter.isAfter(now)) {
            throw new IllegalArgumentException(
                    "CA " + ca.certificate().getSubjectX500Principal().getName() + " expired at " + caNotAfter);
        }
        String cn = names.size() >= 3 ? names.get(2) : names.get(0);
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "joblane")
                .addRDN(BCStyle.CN, cn)
                .build();
        GeneralName[] altNames = names.stream()
                .map(n -> IPAddress.isValid(n)
                        ? new GeneralName(GeneralName.iPAddress, n)
                        : new GeneralName(GeneralName.dNSName, n))
                .toArray(GeneralName[]::new);
        int keyUsage = KeyUsage.digitalSignature
                | (options.algorithm() == KeyAlgorithm.RSA_2048 ? KeyUsage.keyEncipherment : 0);
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                            ca.certificate(),
                            serial(),
                            Date.from(now.minus(NOT_BEFORE_BACKDATE)),
                            Date.from(notAfter),
                            subject,
                            pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage))
                    .addExtension(
                            Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(altNames))
                    .addExtension(
                            Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()))
                    .addExtension(
                            Extension.authorityKeyIdentifier,
                            false,
                            ext.createAuthorityKeyIdentifier(ca.certificate()));
            X509Certificate cert =
                    sign(builder, ca.key(), KeyAlgorithm.ofJcaName(ca.key().getAlgorithm()));
            return new ServingCertificate(cert, pair.getPrivate());
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot issue a serving certificate: " + e.getMessage(), e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signingKey, KeyAlgorithm algorithm)
            throws GeneralSecurityException {
        try {
            ContentSigner signer = new JcaContentSignerBuilder(algorithm.signatureAlgorithm()).build(signingKey);
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }

    /** Positive, 127 random bits: unique enough and inside the 20-octet limit of RFC 5280. */
    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).setBit(126);
    }

    private static String requireLabel(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " is missing");
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (!DNS_LABEL.matcher(v).matches()) {
            throw new IllegalArgumentException(
                    what + " \"" + value + "\" is not a valid DNS label (lower-case letters, digits, '-', at most 63)");
        }
        return v;
    }

    private static String normalizeName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("an extra name is empty");
        }
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (IPAddress.isValid(n)) {
            return CertificateInspector.normalizeIp(n);
        }
        if (n.length() > 253 || !DNS_NAME.matcher(n).matches()) {
            throw new IllegalArgumentException("\"" + name + "\" is neither a DNS name nor an IP address");
        }
        return n;
    }
}
