package io.joblane.certs;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.joblane.certs.kube.KubeFailures;
import io.joblane.certs.kube.SecretCertificates;
import io.joblane.certs.kube.TlsSecrets;
import io.joblane.certs.kube.WebhookConfigurations;
import io.joblane.certs.x509.CertificateSpec;
import io.joblane.certs.x509.EnsureOutcome;
import io.joblane.certs.x509.KeyAlgorithm;
import io.joblane.certs.x509.MintOptions;
import io.joblane.certs.x509.Pem;
import io.joblane.certs.x509.PemException;
import io.joblane.certs.x509.RotationPlan;
import io.joblane.certs.x509.StoredMaterial;
import io.joblane.model.GoDuration;
import io.joblane.model.logging.LogOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * The {@code joblane-certs} command line: {@code create}, {@code patch} and {@code rotate}. Runs once on the main
 * thread (as a Helm hook Job or by hand) and exits with a code that says what went wrong. Tests build it with
 * {@link #commandLine(Supplier, Clock)} to inject a Kubernetes client and a clock.
 */
@Command(name = "joblane-certs", mixinStandardHelpOptions = true, version = "joblane-certs 0.1.0",
        description = "Creates, injects and rotates the Joblane webhook's serving certificate.",
        subcommands = {Main.Create.class, Main.Patch.class, Main.Rotate.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done (kept or changed, see output)", "1:failed (API error, unusable Secret, ...)",
                "2:bad command line or flag value", "3:a named object does not exist (namespace, Secret, webhook configuration)",
                "4:permission denied (RBAC)", "5:conflicting concurrent changes persisted after retries"})
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    @Mixin
    LogOptions logging;

    private final Supplier<KubernetesClient> clients;
    private final Clock clock;
    private KubernetesClient client;

    Main(Supplier<KubernetesClient> clients, Clock clock) {
        this.clients = clients;
        this.clock = clock;
    }

    public static void main(String[] args) {
        Main main = new Main(() -> new KubernetesClientBuilder().build(), Clock.systemUTC());
        int code;
        try {
            code = commandLine(main).execute(args);
        } finally {
            if (main.client != null) {
                main.client.close();
            }
        }
        System.exit(code);
    }

    /** The command line with an injected client source (opened at most once, never closed here) and clock. */
    public static CommandLine commandLine(Supplier<KubernetesClient> clients, Clock clock) {
        return commandLine(new Main(clients, clock));
    }

    private static CommandLine commandLine(Main main) {
        CommandLine cmd = new CommandLine(main);
        cmd.setExecutionStrategy(parseResult -> {
            main.logging.apply();
            return new CommandLine.RunLast().execute(parseResult);
        });
        cmd.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            int code = exitCodeFor(e);
            commandLine.getErr().println("error: " + messageOf(e));
            if (code == CertsException.USAGE && e instanceof ParameterException) {
                commandLine.getErr().println("see: " + commandLine.getCommandSpec().qualifiedName() + " --help");
            }
            LOG.debug("command failed", e);
            return code;
        });
        return cmd;
    }

    private KubernetesClient client() {
        if (client == null) {
            client = clients.get();
        }
        return client;
    }

    private static int exitCodeFor(Exception e) {
        if (e instanceof CertsException c) {
            return c.exitCode();
        }
        if (e instanceof KubernetesClientException k) {
            return KubeFailures.translate(k, "call the Kubernetes API").exitCode();
        }
        if (e instanceof ParameterException || e instanceof IllegalArgumentException) {
            return CertsException.USAGE;
        }
        return CertsException.FAILED;
    }

    private static String messageOf(Exception e) {
        if (e instanceof KubernetesClientException k) {
            return KubeFailures.translate(k, "call the Kubernetes API").getMessage();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    static String required(CommandSpec spec, String value, String flag, String env, String what) {
        if (value == null || value.isBlank()) {
            throw new ParameterException(spec.commandLine(), "missing " + flag + " (or env " + env + "): " + what);
        }
        return value.trim();
    }

    static Duration duration(CommandSpec spec, String value, String flag) {
        try {
            return GoDuration.parse(value);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), flag + ": " + e.getMessage());
        }
    }

    /** The flags that say what certificate is wanted; shared by create and rotate. */
    static final class CertificateFlags {
        @Spec(Spec.Target.MIXEE)
        CommandSpec spec;

        @Option(names = "--service", defaultValue = "${env:JOBLANE_SERVICE}",
                description = "name of the webhook's Service (env JOBLANE_SERVICE)")
        String service;

        @Option(names = "--namespace", defaultValue = "${env:JOBLANE_NAMESPACE:-${env:POD_NAMESPACE}}",
                description = "namespace of the Service and the Secret (env JOBLANE_NAMESPACE, else POD_NAMESPACE)")
        String namespace;

        @Option(names = "--extra-name", split = ",", defaultValue = "${env:JOBLANE_EXTRA_NAMES}",
                description = "extra DNS name or IP address for the certificate; repeat or comma-separate (env JOBLANE_EXTRA_NAMES)")
        List<String> extraNames;

        @Option(names = "--key-algorithm", defaultValue = "${env:JOBLANE_KEY_ALGORITHM:-ecdsa}",
                description = "ecdsa (P-256) or rsa (2048 bits) (env JOBLANE_KEY_ALGORITHM; default ${DEFAULT-VALUE})")
        String keyAlgorithm;

        @Option(names = "--ca-validity", defaultValue = "${env:JOBLANE_CA_VALIDITY:-87600h}",
                description = "validity of a new CA (env JOBLANE_CA_VALIDITY; default ${DEFAULT-VALUE})")
        String caValidity;

        @Option(names = "--validity", defaultValue = "${env:JOBLANE_VALIDITY:-8760h}",
                description = "validity of a new serving certificate (env JOBLANE_VALIDITY; default ${DEFAULT-VALUE})")
        String validity;

        @Option(names = "--renew-before", defaultValue = "${env:JOBLANE_RENEW_BEFORE:-720h}",
                description = "renew the serving certificate when it has less than this left (env JOBLANE_RENEW_BEFORE; default ${DEFAULT-VALUE})")
        String renewBefore;

        @Option(names = "--ca-renew-before", defaultValue = "${env:JOBLANE_CA_RENEW_BEFORE:-2160h}",
                description = "replace (create) or rotate (rotate) the CA when it has less than this left (env JOBLANE_CA_RENEW_BEFORE; default ${DEFAULT-VALUE})")
        String caRenewBefore;

        String service() {
            return required(spec, service, "--service", "JOBLANE_SERVICE", "the name of the webhook's Service");
        }

        String namespace() {
            return required(spec, namespace, "--namespace", "JOBLANE_NAMESPACE or POD_NAMESPACE", "the namespace of the webhook's Service");
        }

        CertificateSpec toSpec() {
            KeyAlgorithm algorithm;
            try {
                algorithm = KeyAlgorithm.parse(keyAlgorithm);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--key-algorithm: " + e.getMessage());
            }
            MintOptions options = new MintOptions(algorithm, duration(spec, caValidity, "--ca-validity"), duration(spec, validity, "--validity"));
            String svc = service();
            String ns = namespace();
            try {
                return new CertificateSpec(svc, ns, extraNames == null ? List.of() : extraNames, options,
                        duration(spec, renewBefore, "--renew-before"), duration(spec, caRenewBefore, "--ca-renew-before"));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }

        String secretName(String flagValue) {
            return flagValue == null || flagValue.isBlank() ? service() + "-tls" : flagValue.trim();
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Make a CA and a serving certificate, or keep the stored ones when they are still good.",
                    "Without --out-dir they go into a kubernetes.io/tls Secret (tls.crt, tls.key, ca.crt, ca.key)."})
    static final class Create implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Spec
        CommandSpec spec;

        @Mixin
        CertificateFlags flags;

        @Option(names = "--secret-name", defaultValue = "${env:JOBLANE_SECRET_NAME}",
                description = "Secret to keep the material in (env JOBLANE_SECRET_NAME; default <service>-tls)")
        String secretName;

        @Option(names = "--out-dir", defaultValue = "${env:JOBLANE_OUT_DIR}",
                description = "write ca.crt, tls.crt, tls.key, ca.key into this directory instead of a Secret (env JOBLANE_OUT_DIR)")
        Path outDir;

        @Option(names = "--webhook-configuration", defaultValue = "${env:JOBLANE_WEBHOOK_CONFIGURATION}",
                description = "when the CA must be replaced and this MutatingWebhookConfiguration exists, publish the new CA"
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
                        ? null : new WebhookConfigurations(main.client(), webhookConfiguration.trim());
                outcome = new SecretCertificates(secrets).ensure(certSpec, main.clock, webhooks);
                where = secrets.describe();
            }
            spec.commandLine().getOut().println(where + ": " + outcome.describe());
            if (outcome.action() == EnsureOutcome.Action.REPLACED && outDir == null) {
                spec.commandLine().getOut().println("the CA changed: run `patch` (or `rotate`) to publish it in the webhook configuration");
            }
            return 0;
        }
    }

    @Command(name = "patch", mixinStandardHelpOptions = true,
            description = "Put the Secret's ca.crt into the caBundle of every webhook of a MutatingWebhookConfiguration.")
    static final class Patch implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Spec
        CommandSpec spec;

        @Option(names = "--webhook-configuration", defaultValue = "${env:JOBLANE_WEBHOOK_CONFIGURATION}",
                description = "name of the MutatingWebhookConfiguration (env JOBLANE_WEBHOOK_CONFIGURATION)")
        String webhookConfiguration;

        @Option(names = "--secret-name", defaultValue = "${env:JOBLANE_SECRET_NAME}",
                description = "Secret holding ca.crt (env JOBLANE_SECRET_NAME)")
        String secretName;

        @Option(names = "--namespace", defaultValue = "${env:JOBLANE_NAMESPACE:-${env:POD_NAMESPACE}}",
                description = "namespace of the Secret (env JOBLANE_NAMESPACE, else POD_NAMESPACE)")
        String namespace;

        @Option(names = "--failure-policy", defaultValue = "${env:JOBLANE_FAILURE_POLICY}",
                description = "also set every webhook's failurePolicy: Fail or Ignore (env JOBLANE_FAILURE_POLICY)")
        String failurePolicy;

        @Override
        public Integer call() {
            String config = required(spec, webhookConfiguration, "--webhook-configuration", "JOBLANE_WEBHOOK_CONFIGURATION",
                    "the MutatingWebhookConfiguration to patch");
            String secret = required(spec, secretName, "--secret-name", "JOBLANE_SECRET_NAME", "the Secret holding ca.crt");
            String ns = required(spec, namespace, "--namespace", "JOBLANE_NAMESPACE or POD_NAMESPACE", "the namespace of the Secret");
            if (failurePolicy != null && !failurePolicy.equals("Fail") && !failurePolicy.equals("Ignore")) {
                throw new ParameterException(spec.commandLine(), "--failure-policy must be Fail or Ignore, got \"" + failurePolicy + "\"");
            }
            TlsSecrets secrets = new TlsSecrets(main.client(), ns, secret);
            StoredMaterial stored = secrets.read().map(TlsSecrets::material)
                    .orElseThrow(() -> new CertsException(CertsException.NOT_FOUND, secrets.describe() + " not found: run `create` first"));
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
            spec.commandLine().getOut().println(webhooks.describe() + ": " + (result.upToDate()
                    ? "already up to date (" + result.webhooks() + " webhooks)"
                    : "caBundle from " + secrets.describe() + policy + " set on " + result.changed() + " of " + result.webhooks() + " webhooks"));
            return 0;
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = {"Take the next step of a rotation that never serves an untrusted certificate.",
                    "A new CA is published next to the old one (Secret and caBundle), the serving certificate switches to it",
                    "on a later run, the old CA is dropped on a run after that. When only the serving certificate is due it is",
                    "renewed with the same CA in one run. Run it on a schedule (e.g. a daily CronJob)."})
    static final class Rotate implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Spec
        CommandSpec spec;

        @Mixin
        CertificateFlags flags;

        @Option(names = "--secret-name", defaultValue = "${env:JOBLANE_SECRET_NAME}",
                description = "Secret holding the material (env JOBLANE_SECRET_NAME; default <service>-tls)")
        String secretName;

        @Option(names = "--webhook-configuration", defaultValue = "${env:JOBLANE_WEBHOOK_CONFIGURATION}",
                description = "MutatingWebhookConfiguration whose caBundle is kept in step (env JOBLANE_WEBHOOK_CONFIGURATION)")
        String webhookConfiguration;

        @Option(names = "--settle", defaultValue = "${env:JOBLANE_SETTLE:-5m}",
                description = "minimum time between two rotation steps, for API servers and kubelets to catch up (env JOBLANE_SETTLE; default ${DEFAULT-VALUE})")
        String settle;

        @Option(names = "--force", defaultValue = "${env:JOBLANE_FORCE:-false}",
                description = "start a CA rotation now even though nothing is due (only from the stable state) (env JOBLANE_FORCE)")
        boolean force;

        @Override
        public Integer call() {
            CertificateSpec certSpec = flags.toSpec();
            String config = required(spec, webhookConfiguration, "--webhook-configuration", "JOBLANE_WEBHOOK_CONFIGURATION",
                    "the MutatingWebhookConfiguration to keep in step");
            Duration settleTime = duration(spec, settle, "--settle");
            TlsSecrets secrets = new TlsSecrets(main.client(), certSpec.namespace(), flags.secretName(secretName));
            WebhookConfigurations webhooks = new WebhookConfigurations(main.client(), config);
            RotationPlan plan = new SecretCertificates(secrets).rotate(webhooks, certSpec, settleTime, force, main.clock);
            spec.commandLine().getOut().println(secrets.describe() + " and " + webhooks.describe() + ": found "
                    + plan.found().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + "; " + plan.summary());
            return 0;
        }
    }
}
