package io.joblane.certs;

import io.joblane.certs.kube.SecretCertificates;
import io.joblane.certs.kube.TlsSecrets;
import io.joblane.certs.kube.WebhookConfigurations;
import io.joblane.certs.x509.CertificateSpec;
import io.joblane.certs.x509.RotationPlan;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code rotate}: takes the next safe step of a CA or serving-certificate rotation; meant for a daily CronJob. */
@Command(
        name = "rotate",
        mixinStandardHelpOptions = true,
        description = {
            "Take the next step of a rotation that never serves an untrusted certificate.",
            "A new CA is published next to the old one (Secret and caBundle), the serving certificate switches to it",
            "on a later run, the old CA is dropped on a run after that. When only the serving certificate is due it is",
            "renewed with the same CA in one run. Run it on a schedule (e.g. a daily CronJob)."
        })
final class RotateCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Mixin
    CertificateFlags flags;

    @Option(
            names = "--secret-name",
            defaultValue = "${env:JOBLANE_SECRET_NAME}",
            description = "Secret holding the material (env JOBLANE_SECRET_NAME; default <service>-tls)")
    String secretName;

    @Option(
            names = "--webhook-configuration",
            defaultValue = "${env:JOBLANE_WEBHOOK_CONFIGURATION}",
            description =
                    "MutatingWebhookConfiguration whose caBundle is kept in step (env JOBLANE_WEBHOOK_CONFIGURATION)")
    String webhookConfiguration;

    @Option(
            names = "--settle",
            defaultValue = "${env:JOBLANE_SETTLE:-5m}",
            description =
                    "minimum time between two rotation steps, for API servers and kubelets to catch up (env JOBLANE_SETTLE; default ${DEFAULT-VALUE})")
    Duration settle;

    @Option(
            names = "--force",
            defaultValue = "${env:JOBLANE_FORCE:-false}",
            description =
                    "start a CA rotation now even though nothing is due (only from the stable state) (env JOBLANE_FORCE)")
    boolean force;

    @Override
    public Integer call() {
        CertificateSpec certSpec = flags.toSpec();
        String config = Main.required(
                spec,
                webhookConfiguration,
                "--webhook-configuration",
                "JOBLANE_WEBHOOK_CONFIGURATION",
                "the MutatingWebhookConfiguration to keep in step");
        TlsSecrets secrets = new TlsSecrets(main.client(), certSpec.namespace(), flags.secretName(secretName));
        WebhookConfigurations webhooks = new WebhookConfigurations(main.client(), config);
        RotationPlan plan = new SecretCertificates(secrets).rotate(webhooks, certSpec, settle, force, main.clock);
        spec.commandLine()
                .getOut()
                .println(secrets.describe() + " and " + webhooks.describe() + ": found "
                        + plan.found().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + "; "
                        + plan.summary());
        return 0;
    }
}
