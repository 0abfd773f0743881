package io.joblane.certs.kube;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.joblane.certs.CertsException;
import io.joblane.certs.x509.StoredMaterial;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads and writes the webhook's {@code kubernetes.io/tls} Secret. Every write replaces certificate, key and CA
 * in one object update guarded by the read resourceVersion, so a Secret never holds a half-written pair and a
 * concurrent change is detected (409) instead of overwritten. Called by the CLI commands on the main thread.
 */
public final class TlsSecrets {
    public static final String TLS_TYPE = "kubernetes.io/tls";

    private final KubernetesClient client;
    private final String namespace;
    private final String name;

    public TlsSecrets(KubernetesClient client, String namespace, String name) {
        this.client = client;
        this.namespace = namespace;
        this.name = name;
    }

    public String describe() {
        return "Secret " + namespace + "/" + name;
    }

    /** Fails with a clear message when the namespace does not exist; skipped when we may not read namespaces. */
    public void requireNamespace() {
        try {
            if (client.namespaces().withName(namespace).get() == null) {
                throw new CertsException(CertsException.NOT_FOUND, "namespace \"" + namespace + "\" not found");
            }
        } catch (KubernetesClientException e) {
            if (e.getCode() != 403 && e.getCode() != 401) {
                throw KubeFailures.translate(e, "get namespace " + namespace);
            }
        }
    }

    public Optional<Secret> read() {
        try {
            return Optional.ofNullable(
                    client.secrets().inNamespace(namespace).withName(name).get());
        } catch (KubernetesClientException e) {
            throw KubeFailures.translate(e, "get " + describe());
        }
    }

    /** The PEM entries of the Secret; a value that is not valid base64 is kept as is, and so fails to parse as PEM. */
    public static StoredMaterial material(Secret secret) {
        Map<String, String> entries = new HashMap<>();
        if (secret.getData() != null) {
            secret.getData().forEach((k, v) -> entries.put(k, decode(v)));
        }
        if (secret.getStringData() != null) {
            entries.putAll(secret.getStringData());
        }
        return StoredMaterial.fromEntries(entries);
    }

    /**
     * Creates the Secret, or replaces its certificate entries when {@code existing} is given (other data keys,
     * labels and annotations are kept).
     */
    public Secret write(Optional<Secret> existing, StoredMaterial material) {
        Map<String, String> data = new LinkedHashMap<>();
        existing.map(Secret::getData).ifPresent(data::putAll);
        for (String key : new String[] {
            StoredMaterial.CA_CRT, StoredMaterial.TLS_CRT, StoredMaterial.TLS_KEY, StoredMaterial.CA_KEY
        }) {
            data.remove(key);
        }
        material.entries()
                .forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        try {
            if (existing.isEmpty()) {
                Secret secret = new SecretBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withNamespace(namespace)
                        .endMetadata()
                        .withType(TLS_TYPE)
                        .withData(data)
                        .build();
                return client.secrets().inNamespace(namespace).resource(secret).create();
            }
            Secret old = existing.get();
            if (old.getType() != null && !TLS_TYPE.equals(old.getType())) {
                throw new CertsException(
                        CertsException.FAILED,
                        describe() + " exists with type " + old.getType() + ", not " + TLS_TYPE
                                + "; the type cannot change: delete it or choose another --secret-name");
            }
            Secret updated = new SecretBuilder(old)
                    .withType(TLS_TYPE)
                    .withData(data)
                    .withStringData(null)
                    .build();
            return client.secrets().inNamespace(namespace).resource(updated).update();
        } catch (KubernetesClientException e) {
            throw KubeFailures.translate(e, (existing.isEmpty() ? "create " : "update ") + describe());
        }
    }

    private static String decode(String base64) {
        try {
            return new String(Base64.getDecoder().decode(base64 == null ? "" : base64.strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return base64;
        }
    }
}
