package io.joblane.certs.x509;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;

/** Key generation and the "is this the certificate's key" test, by signing a challenge and verifying it. */
final class KeyPairs {
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeyPairs() {}

    static KeyPair generate(KeyAlgorithm algorithm) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm.jcaName());
            switch (algorithm) {
                case ECDSA_P256 -> generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
                case RSA_2048 -> generator.initialize(2048, RANDOM);
                default -> throw new IllegalStateException("unhandled " + algorithm);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a " + algorithm.flag() + " key: " + e.getMessage(), e);
        }
    }

    static boolean matches(PrivateKey key, X509Certificate certificate) {
        return matches(key, certificate.getPublicKey());
    }

    /** A signature made with the private key verifies with the public key only if they form a pair. */
    static boolean matches(PrivateKey key, PublicKey publicKey) {
        if (!key.getAlgorithm().equalsIgnoreCase(publicKey.getAlgorithm())) {
            return false;
        }
        try {
            KeyAlgorithm algorithm = KeyAlgorithm.ofJcaName(key.getAlgorithm());
            byte[] challenge = new byte[32];
            RANDOM.nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm.signatureAlgorithm());
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm.signatureAlgorithm());
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
