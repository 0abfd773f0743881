package io.joblane.certs;

import io.joblane.certs.kube.TlsSecrets;
import io.joblane.certs.kube.WebhookConfigurations;
import io.joblane.certs.x509.Pem;
import io.joblane.certs.x509.PemException;
import io.joblane.certs.x509.StoredMaterial;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code patch}: publishes the Secret's CA in a MutatingWebhookConfiguration's caBundle (and its failurePolicy). */
@Command(
        name = "patch",
        mixinStandardHelpOptions = true,
        description = "Put the Secret's ca.crt into the caBundle of every webhook of a MutatingWebhookConfiguration.")
final class PatchCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--webhook-configuration",
            defaultValue = "${env:JOBLANE_WEBHOOK_CONFIGURATION}",
            description = "name of the MutatingWebhookConfiguration (env JOBLANE_WEBHOOK_CONFIGURATION)")
    String webhookConfiguration;

    @Option(
            names = "--secret-name",
            defaultValue = "${env:JOBLANE_SECRET_NAME}",
            description = "Secret holding ca.crt (env JOBLANE_SECRET_NAME)")
    String secretName;

    @Option(
            names = "--namespace",
            defaultValue = "${env:JOBLANE_NAMESPACE:-${env:POD_NAMESPACE}}",
            description = "namespace of the Secret (env JOBLANE_NAMESPACE, else POD_NAMESPACE)")
    String namespace;

    @Option(
            names = "--failure-policy",
            defaultValue = "${env:JOBLANE_FAILURE_POLICY}",
            description = "also set every webhook's failurePolicy: Fail or Ignore (env JOBLANE_FAILURE_POLICY)")
    String failurePolicy;

    @Override
    public Integer call() {
        String config = Main.required(
                spec,
                webhookConfiguration,
                "--webhook-configuration",
                "JOBLANE_WEBHOOK_CONFIGURATION",
                "the MutatingWebhookConfiguration to patch");
        String secret =
                Main.required(spec, secretName, "--secret-name", "JOBLANE_SECRET_NAME", "the Secret holding ca.crt");
        String ns = Main.required(
                spec, namespace, "--namespace", "JOBLANE_NAMESPACE or POD_NAMESPACE", "the namespace of the Secret");
        if (failurePolicy != null && !failurePolicy.equals("Fail") && !failurePolicy.equals("Ignore")) {
            throw new ParameterException(
                    spec.commandLine(), "--failure-policy must be Fail or Ignore, got \"" + failurePolicy + "\"");
        }
        TlsSecrets secrets = new TlsSecrets(main.client(), ns, secret);
        StoredMaterial stored = secrets.read()
                .map(TlsSecrets::material)
                .orElseThrow(() -> new CertsException(
                        CertsException.NOT_FOUND, secrets.describe() + " not found: run `create` first"));
        if (stored.caPem() == null || stored.caPem().isBlank()) {
            throw new CertsException(CertsException.FAILED, secrets.describe() + " has no ca.crt");
        }
        try {
            Pem.parseCertificates(stored.caPem(), "ca.crt of " + secrets.describe());
        } catch (PemException e) {
            throw new CertsException(CertsException.FAILED, e.getMessage(), e);
        }
        WebhookConfigurations webhooks = new WebhookConfigurations(main.client(), config);
        WebhookConfigurations.PatchResult result = webhooks.patch(stored.caPem(), failurePolicy);
        String policy = failurePolicy == null ? "" : ", failurePolicy " + failurePolicy;
        spec.commandLine()
                .getOut()
                .println(webhooks.describe() + ": "
                        + (result.upToDate()
                                ? "already up to date (" + result.webhooks() + " webhooks)"
                                : "caBundle from " + secrets.describe() + policy + " set on " + result.changed()
                                        + " of " + result.webhooks() + " webhooks"));
        return 0;
    }
}
