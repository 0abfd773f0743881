package io.joblane.certs.x509;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The PEM texts as stored in a Secret or a directory, any of which may be missing: {@code ca.crt} (one or two
 * CA certificates), {@code tls.crt}, {@code tls.key} and {@code ca.key} (the key of the CA that issues the next
 * serving certificate; without it a renewal needs a new CA).
 */
public record StoredMaterial(String caPem, String certPem, String keyPem, String caKeyPem) {
    public static final String CA_CRT = "ca.crt";
    public static final String TLS_CRT = "tls.crt";
    public static final String TLS_KEY = "tls.key";
    public static final String CA_KEY = "ca.key";

    public static final StoredMaterial NONE = new StoredMaterial(null, null, null, null);

    /** From a map keyed by the Secret data / file names above; other entries are ignored. */
    public static StoredMaterial fromEntries(Map<String, String> entries) {
        return new StoredMaterial(entries.get(CA_CRT), entries.get(TLS_CRT), entries.get(TLS_KEY), entries.get(CA_KEY));
    }

    /** The non-missing entries, keyed by file name, in a stable order. */
    public Map<String, String> entries() {
        Map<String, String> out = new LinkedHashMap<>();
        put(out, CA_CRT, caPem);
        put(out, TLS_CRT, certPem);
        put(out, TLS_KEY, keyPem);
        put(out, CA_KEY, caKeyPem);
        return out;
    }

    public boolean isEmpty() {
        return caPem == null && certPem == null && keyPem == null && caKeyPem == null;
    }

    private static void put(Map<String, String> out, String key, String value) {
        if (value != null) {
            out.put(key, value);
        }
    }

    @Override
    public String toString() {
        return "StoredMaterial" + entries().keySet();
    }
}
