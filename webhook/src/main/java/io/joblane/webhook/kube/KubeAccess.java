package io.joblane.webhook.kube;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Tells whether a Kubernetes API server is configured at all: in-cluster service-account credentials or a
 * kubeconfig file. Without either the webhook serves with namespace routing off (laptops, tests).
 */
public final class KubeAccess {
    static final Path SERVICE_ACCOUNT_TOKEN = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

    private KubeAccess() {}

    /** How the API server would be reached ("in-cluster", "kubeconfig <file>"), or empty when it cannot be. */
    public static Optional<String> detect(Map<String, String> env, Path home, Path serviceAccountToken) {
        if (env.get("KUBERNETES_SERVICE_HOST") != null && Files.isReadable(serviceAccountToken)) {
            return Optional.of("in-cluster service account");
        }
        String kubeconfig = env.get("KUBECONFIG");
        if (kubeconfig != null && !kubeconfig.isBlank()) {
            for (String file : kubeconfig.split(File.pathSeparator)) {
                if (!file.isBlank() && Files.isReadable(Path.of(file))) {
                    return Optional.of("kubeconfig " + file);
                }
            }
            return Optional.empty();
        }
        Path defaultConfig = home.resolve(".kube").resolve("config");
        return Files.isReadable(defaultConfig) ? Optional.of("kubeconfig " + defaultConfig) : Optional.empty();
    }

    public static Optional<String> detect() {
        return detect(System.getenv(), Path.of(System.getProperty("user.home", "/")), SERVICE_ACCOUNT_TOKEN);
    }
}
