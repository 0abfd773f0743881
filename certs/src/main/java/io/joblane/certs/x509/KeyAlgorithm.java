package io.joblane.certs.x509;

/** The key types the mint can create; ECDSA P-256 is the default because it is small and fast to handshake. */
public enum KeyAlgorithm {
    ECDSA_P256("ecdsa", "EC", "SHA256withECDSA"),
    RSA_2048("rsa", "RSA", "SHA256withRSA");

    private final String flag;
    private final String jcaName;
    private final String signatureAlgorithm;

    KeyAlgorithm(String flag, String jcaName, String signatureAlgorithm) {
        this.flag = flag;
        this.jcaName = jcaName;
        this.signatureAlgorithm = signatureAlgorithm;
    }

    /** The name used on the command line: {@code ecdsa} or {@code rsa}. */
    public String flag() {
        return flag;
    }

    String jcaName() {
        return jcaName;
    }

    String signatureAlgorithm() {
        return signatureAlgorithm;
    }

    /** The algorithm of an existing key, by its JCA name ("EC", "RSA"). */
    static KeyAlgorithm ofJcaName(String jcaName) {
        for (KeyAlgorithm a : values()) {
            if (a.jcaName.equalsIgnoreCase(jcaName)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unsupported key type " + jcaName);
    }
}
