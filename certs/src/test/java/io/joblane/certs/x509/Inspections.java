package io.joblane.certs.x509;

/** Tests' shorthand for inspecting minted or stored material (production code inspects the three PEM texts). */
public final class Inspections {
    private Inspections() {}

    public static Inspection of(TlsMaterial material) {
        return CertificateInspector.inspect(material.caPem(), material.certPem(), material.keyPem());
    }

    public static Inspection of(StoredMaterial stored) {
        return CertificateInspector.inspect(stored.caPem(), stored.certPem(), stored.keyPem());
    }
}
