package io.joblane.certs.kube;

import io.fabric8.kubernetes.api.model.Secret;
import io.joblane.certs.CertsException;
import io.joblane.certs.x509.CertificateEnsurer;
import io.joblane.certs.x509.CertificateSpec;
import io.joblane.certs.x509.EnsureOutcome;
import io.joblane.certs.x509.RotationPlan;
import io.joblane.certs.x509.RotationPlanner;
import io.joblane.certs.x509.StoredMaterial;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the pure decisions ({@link CertificateEnsurer}, {@link RotationPlanner}) to the Secret and the webhook
 * configuration. On a write conflict the whole read-decide-write round is repeated from fresh state, which is safe
 * because every state is derived from the cluster's objects. Main thread only.
 */
public final class SecretCertificates {
    private static final Logger LOG = LoggerFactory.getLogger(SecretCertificates.class);
    private static final int ROUNDS = 3;

    private final TlsSecrets secrets;

    public SecretCertificates(TlsSecrets secrets) {
        this.secrets = secrets;
    }

    /** {@code certs create}: keep the Secret's material when good, otherwise write new material in one update. */
    public EnsureOutcome ensure(CertificateSpec spec, Clock clock) {
        return ensure(spec, clock, null);
    }

    /**
     * As {@link #ensure(CertificateSpec, Clock)}; when the CA is replaced and {@code webhooks} exists, the new CA is
     * first published next to the CAs it trusts now, and the Secret keeps both: webhook pods switch to the new serving
     * certificate only once the API server already trusts it (a pre-upgrade hook runs while the old pods serve).
     */
    public EnsureOutcome ensure(CertificateSpec spec, Clock clock, WebhookConfigurations webhooks) {
        secrets.requireNamespace();
        for (int round = 1; ; round++) {
            Optional<Secret> existing = secrets.read();
            StoredMaterial stored = existing.map(TlsSecrets::material).orElse(StoredMaterial.NONE);
            EnsureOutcome outcome = CertificateEnsurer.ensure(stored, spec, clock);
            if (!outcome.action().changed()) {
                return outcome;
            }
            try {
                if (outcome.action() == EnsureOutcome.Action.REPLACED && webhooks != null) {
                    Optional<List<String>> published = webhooks.bundlesIfPresent();
                    if (published.isPresent()) {
                        StoredMaterial widened = CertificateEnsurer.alongsidePublished(
                                outcome.material(), published.get(), spec, clock.instant());
                        webhooks.patch(widened.caPem(), null);
                        LOG.info(
                                "create: published the new CA next to the trusted ones in {} before writing {}",
                                webhooks.describe(),
                                secrets.describe());
                        outcome = new EnsureOutcome(outcome.action(), outcome.reason(), widened);
                    }
                }
                secrets.write(existing, outcome.material());
                return outcome;
            } catch (CertsException e) {
                retryOrThrow(e, round);
            }
        }
    }

    /**
     * {@code certs rotate}: one step of the rotation state machine. The webhook configuration is read before any
     * write, so an unknown name fails without touching the Secret.
     */
    public RotationPlan rotate(
            WebhookConfigurations webhooks, CertificateSpec spec, Duration settle, boolean force, Clock clock) {
        secrets.requireNamespace();
        for (int round = 1; ; round++) {
            Optional<Secret> existing = secrets.read();
            List<String> published = webhooks.bundles();
            StoredMaterial stored = existing.map(TlsSecrets::material).orElse(StoredMaterial.NONE);
            RotationPlan plan = RotationPlanner.plan(stored, published, spec, settle, force && round == 1, clock);
            try {
                Optional<Secret> current = existing;
                for (RotationPlan.Step step : plan.steps()) {
                    if (step instanceof RotationPlan.WriteStore w) {
                        current = Optional.of(secrets.write(current, w.material()));
                    } else if (step instanceof RotationPlan.PublishBundle p) {
                        webhooks.patch(p.caPem(), null);
                    }
                    LOG.info("rotate: {}", step.why());
                }
                return plan;
            } catch (CertsException e) {
                retryOrThrow(e, round);
            }
        }
    }

    private void retryOrThrow(CertsException e, int round) {
        if (e.exitCode() != CertsException.CONFLICT || round >= ROUNDS) {
            throw e;
        }
        LOG.info("{} changed while writing it (round {} of {}); reading it again", secrets.describe(), round, ROUNDS);
    }
}
