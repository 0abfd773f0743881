package io.joblane.certs.kube;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.joblane.certs.CertsException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and patches the {@code caBundle} (and optionally {@code failurePolicy}) of every webhook entry of one
 * MutatingWebhookConfiguration. Updates are guarded by resourceVersion and retried on 409 Conflict with backoff,
 * re-reading the object each time so a concurrent change (e.g. Helm) is never overwritten. Main thread only.
 */
public final class WebhookConfigurations {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookConfigurations.class);
    static final int MAX_ATTEMPTS = 6;

    private final KubernetesClient client;
    private final String name;
    private final long backoffMillis;

    public WebhookConfigurations(KubernetesClient client, String name) {
        this(client, name, 200);
    }

    WebhookConfigurations(KubernetesClient client, String name, long backoffMillis) {
        this.client = client;
        this.name = name;
        this.backoffMillis = backoffMillis;
    }

    public String describe() {
        return "MutatingWebhookConfiguration " + name;
    }

    /** What a patch did. */
    public record PatchResult(int webhooks, int changed) {
        public boolean upToDate() {
            return changed == 0;
        }
    }

    /** As {@link #bundles()}, or empty when the configuration does not exist (yet: a pre-install hook). */
    public java.util.Optional<List<String>> bundlesIfPresent() {
        MutatingWebhookConfiguration config;
        try {
            config = client.admissionRegistration()
                    .v1()
                    .mutatingWebhookConfigurations()
                    .withName(name)
                    .get();
        } catch (KubernetesClientException e) {
            throw KubeFailures.translate(e, "get " + describe());
        }
        return config == null ? java.util.Optional.empty() : java.util.Optional.of(bundles());
    }

    /** The decoded caBundle of each webhook entry, in order; an entry without one gives an empty string. */
    public List<String> bundles() {
        MutatingWebhookConfiguration config = require();
        List<String> out = new ArrayList<>();
        for (MutatingWebhook w : config.getWebhooks()) {
            String b64 =
                    w.getClientConfig() == null ? null : w.getClientConfig().getCaBundle();
            out.add(b64 == null ? "" : decode(b64));
        }
        return out;
    }

    /**
     * Sets the caBundle of every webhook entry to {@code caPem} and, when given, its failurePolicy. Writes nothing
     * when everything already matches.
     *
     * @param failurePolicy {@code Fail}, {@code Ignore} or null to leave it
     */
    public PatchResult patch(String caPem, String failurePolicy) {
        String bundle = Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.UTF_8));
        for (int attempt = 1; ; attempt++) {
            MutatingWebhookConfiguration config = require();
            int changed = 0;
            for (MutatingWebhook w : config.getWebhooks()) {
                if (w.getClientConfig() == null) {
                    w.setClientConfig(new WebhookClientConfig());
                }
                boolean differs =
                        !Objects.equals(decodeOrNull(w.getClientConfig().getCaBundle()), caPem)
                                || (failurePolicy != null && !failurePolicy.equals(w.getFailurePolicy()));
                if (differs) {
                    w.getClientConfig().setCaBundle(bundle);
                    if (failurePolicy != null) {
                        w.setFailurePolicy(failurePolicy);
                    }
                    changed++;
                }
            }
            if (changed == 0) {
                return new PatchResult(config.getWebhooks().size(), 0);
            }
            try {
                client.admissionRegistration()
                        .v1()
                        .mutatingWebhookConfigurations()
                        .resource(config)
                        .update();
                return new PatchResult(config.getWebhooks().size(), changed);
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt >= MAX_ATTEMPTS) {
                    throw KubeFailures.translate(
                            e, "update " + describe() + (e.getCode() == 409 ? " after " + attempt + " attempts" : ""));
                }
                LOG.info("conflict updating {}, attempt {} of {}; re-reading", describe(), attempt, MAX_ATTEMPTS);
                sleep(backoffMillis * (1L << (attempt - 1)));
            }
        }
    }

    private MutatingWebhookConfiguration require() {
        MutatingWebhookConfiguration config;
        try {
            config = client.admissionRegistration()
                    .v1()
                    .mutatingWebhookConfigurations()
                    .withName(name)
                    .get();
        } catch (KubernetesClientException e) {
            throw KubeFailures.translate(e, "get " + describe());
        }
        if (config == null) {
            throw new CertsException(
                    CertsException.NOT_FOUND,
                    describe() + " not found (is the chart installed, is --webhook-configuration right?)");
        }
        if (config.getWebhooks() == null || config.getWebhooks().isEmpty()) {
            throw new CertsException(
                    CertsException.FAILED, describe() + " has no webhooks entries to put a caBundle into");
        }
        return config;
    }

    private static String decodeOrNull(String b64) {
        return b64 == null ? null : decode(b64);
    }

    private static String decode(String b64) {
        try {
            return new String(Base64.getDecoder().decode(b64.strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return b64;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CertsException(CertsException.FAILED, "interrupted while retrying", e);
        }
    }
}
