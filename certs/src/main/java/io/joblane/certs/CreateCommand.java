package io.joblane.certs;

import io.joblane.certs.kube.SecretCertificates;
import io.joblane.certs.kube.TlsSecrets;
import io.joblane.certs.kube.WebhookConfigurations;
import io.joblane.certs.x509.CertificateSpec;
import io.joblane.certs.x509.EnsureOutcome;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code create}: ensures a CA and a serving certificate in a Secret or a directory, keeping good ones. */
@Command(
        name = "create",
        mixinStandardHelpOptions = true,
        description = {
            "Make a CA and a serving certificate, or keep the stored ones when they are still good.",
            "Without --out-dir they go into a kubernetes.io/tls Secret (tls.crt, tls.key, ca.crt, ca.key)."
        })
final class CreateCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Mixin
    CertificateFlags flags;

    @Option(
            names = "--secret-name",
            defaultValue = "${env:JOBLANE_SECRET_NAME}",
            description = "Secret to keep the material in (env JOBLANE_SECRET_NAME; default <service>-tls)")
    String secretName;

    @Option(
            names = "--out-dir",
            defaultValue = "${env:JOBLANE_OUT_DIR}",
            description =
                    "write ca.crt, tls.crt, tls.key, ca.key into this directory instead of a Secret (env JOBLANE_OUT_DIR)")
    Path outDir;

    @Option(
            names = "--webhook-configuration",
            defaultValue = "${env:JOBLANE_WEBHOOK_CONFIGURATION}",
            description =
                    "when the CA must be replaced and this MutatingWebhookConfiguration exists, publish the new CA"
                            + " next to the trusted ones before writing the Secret (env JOBLANE_WEBHOOK_CONFIGURATION)")
    String webhookConfiguration;

    @Override
    public Integer call() {
        CertificateSpec certSpec = flags.toSpec();
        EnsureOutcome outcome;
        String where;
        if (outDir != null) {
            outcome = CertificateFiles.ensure(outDir, certSpec, main.clock).outcome();
            where = outDir.toString();
        } else {
            TlsSecrets secrets = new TlsSecrets(main.client(), certSpec.namespace(), flags.secretName(secretName));
            WebhookConfigurations webhooks = webhookConfiguration == null || webhookConfiguration.isBlank()
                    ? null
                    : new WebhookConfigurations(main.client(), webhookConfiguration.trim());
            outcome = new SecretCertificates(secrets).ensure(certSpec, main.clock, webhooks);
            where = secrets.describe();
        }
        spec.commandLine().getOut().println(where + ": " + outcome.describe());
        if (outcome.action() == EnsureOutcome.Action.REPLACED && outDir == null) {
            spec.commandLine()
                    .getOut()
                    .println("the CA changed: run `patch` (or `rotate`) to publish it in the webhook configuration");
        }
        return 0;
    }
}
