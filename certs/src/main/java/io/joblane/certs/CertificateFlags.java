package io.joblane.certs;

import io.joblane.certs.x509.CertificateSpec;
import io.joblane.certs.x509.KeyAlgorithm;
import io.joblane.certs.x509.MintOptions;
import io.joblane.model.cli.EnumConverter;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The flags that say what certificate is wanted; shared by create and rotate. */
final class CertificateFlags {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(
            names = "--service",
            defaultValue = "${env:JOBLANE_SERVICE}",
            description = "name of the webhook's Service (env JOBLANE_SERVICE)")
    String service;

    @Option(
            names = "--namespace",
            defaultValue = "${env:JOBLANE_NAMESPACE:-${env:POD_NAMESPACE}}",
            description = "namespace of the Service and the Secret (env JOBLANE_NAMESPACE, else POD_NAMESPACE)")
    String namespace;

    @Option(
            names = "--extra-name",
            split = ",",
            defaultValue = "${env:JOBLANE_EXTRA_NAMES}",
            description =
                    "extra DNS name or IP address for the certificate; repeat or comma-separate (env JOBLANE_EXTRA_NAMES)")
    List<String> extraNames;

    @Option(
            names = "--key-algorithm",
            defaultValue = "${env:JOBLANE_KEY_ALGORITHM:-ecdsa}",
            converter = KeyAlgorithms.class,
            description = "ecdsa (P-256) or rsa (2048 bits) (env JOBLANE_KEY_ALGORITHM; default ${DEFAULT-VALUE})")
    KeyAlgorithm keyAlgorithm;

    @Option(
            names = "--ca-validity",
            defaultValue = "${env:JOBLANE_CA_VALIDITY:-87600h}",
            description = "validity of a new CA (env JOBLANE_CA_VALIDITY; default ${DEFAULT-VALUE})")
    Duration caValidity;

    @Option(
            names = "--validity",
            defaultValue = "${env:JOBLANE_VALIDITY:-8760h}",
            description = "validity of a new serving certificate (env JOBLANE_VALIDITY; default ${DEFAULT-VALUE})")
    Duration validity;

    @Option(
            names = "--renew-before",
            defaultValue = "${env:JOBLANE_RENEW_BEFORE:-720h}",
            description =
                    "renew the serving certificate when it has less than this left (env JOBLANE_RENEW_BEFORE; default ${DEFAULT-VALUE})")
    Duration renewBefore;

    @Option(
            names = "--ca-renew-before",
            defaultValue = "${env:JOBLANE_CA_RENEW_BEFORE:-2160h}",
            description =
                    "replace (create) or rotate (rotate) the CA when it has less than this left (env JOBLANE_CA_RENEW_BEFORE; default ${DEFAULT-VALUE})")
    Duration caRenewBefore;

    String service() {
        return Main.required(spec, service, "--service", "JOBLANE_SERVICE", "the name of the webhook's Service");
    }

    String namespace() {
        return Main.required(
                spec,
                namespace,
                "--namespace",
                "JOBLANE_NAMESPACE or POD_NAMESPACE",
                "the namespace of the webhook's Service");
    }

    CertificateSpec toSpec() {
        MintOptions options = new MintOptions(keyAlgorithm, caValidity, validity);
        String svc = service();
        String ns = namespace();
        try {
            return new CertificateSpec(
                    svc, ns, extraNames == null ? List.of() : extraNames, options, renewBefore, caRenewBefore);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    String secretName(String flagValue) {
        return flagValue == null || flagValue.isBlank() ? service() + "-tls" : flagValue.trim();
    }

    /** {@code ecdsa} or {@code rsa} (the constants' names are accepted too). */
    static final class KeyAlgorithms extends EnumConverter<KeyAlgorithm> {
        KeyAlgorithms() {
            super(KeyAlgorithm.class, KeyAlgorithm::flag);
        }
    }
}
