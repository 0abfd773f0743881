package io.joblane.charts;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Contract with the processes: every flag and environment variable the chart gives a Joblane container is
 * one that process reads (the command lines agreed in the team brief: webhook, scaler run, certs
 * create/patch/rotate). A renamed flag would otherwise only show as a crash-looping pod in a cluster.
 */
class ProcessContractChartTest {
    static final Set<String> COMMON = Set.of("--log-format", "--log-level");
    static final Set<String> CREATE = Set.of("--service", "--namespace", "--secret-name", "--out-dir", "--extra-name",
            "--key-algorithm", "--ca-validity", "--validity", "--renew-before");

    /** image repository suffix + subcommand -> accepted flags. */
    static final Map<String, Set<String>> FLAGS = Map.of(
            "joblane-webhook", Set.of("--config", "--tls-cert", "--tls-key", "--port", "--health-port",
                    "--self-signed-dir", "--service", "--namespace"),
            "joblane-scaler run", Set.of("--config", "--dry-run", "--health-port", "--lease-name",
                    "--lease-namespace", "--status-configmap"),
            "joblane-certs create", CREATE,
            "joblane-certs patch", Set.of("--webhook-configuration", "--secret-name", "--namespace", "--failure-policy"),
            "joblane-certs rotate", union(CREATE, Set.of("--webhook-configuration")));

    static final Map<String, Set<String>> ENV = Map.of(
            "joblane-webhook", Set.of("JOBLANE_CONFIG", "JOBLANE_TLS_CERT", "JOBLANE_TLS_KEY", "JOBLANE_PORT",
                    "JOBLANE_HEALTH_PORT", "JOBLANE_LOG_FORMAT", "JOBLANE_LOG_LEVEL"),
            "joblane-scaler", Set.of("JOBLANE_CONFIG", "JOBLANE_DRY_RUN", "JOBLANE_HEALTH_PORT", "POD_NAMESPACE",
                    "POD_NAME", "AWS_REGION", "JOBLANE_LOG_FORMAT", "JOBLANE_LOG_LEVEL"),
            "joblane-certs", Set.of("JOBLANE_LOG_FORMAT", "JOBLANE_LOG_LEVEL"));

    /** Read by the JVM itself, not by our code. */
    static final Set<String> JVM_ENV = Set.of("JAVA_TOOL_OPTIONS");

    static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> out = new java.util.HashSet<>(a);
        out.addAll(b);
        return out;
    }

    static Stream<Path> scenarios() {
        return Chart.scenarios().stream();
    }

    static List<Container> joblaneContainers(Chart.Rendered rendered) {
        List<PodSpec> pods = new ArrayList<>();
        rendered.all(Deployment.class).forEach(d -> pods.add(d.getSpec().getTemplate().getSpec()));
        rendered.all(Job.class).forEach(j -> pods.add(j.getSpec().getTemplate().getSpec()));
        rendered.all(CronJob.class).forEach(c -> pods.add(c.getSpec().getJobTemplate().getSpec().getTemplate().getSpec()));
        return pods.stream().flatMap(p -> p.getContainers().stream())
                .filter(c -> component(c).startsWith("joblane-")).toList();
    }

    /** "joblane-webhook" from "ghcr.io/joblane/joblane-webhook:0.1.0". */
    static String component(Container container) {
        String image = container.getImage();
        String repository = image.contains("@") ? image.substring(0, image.indexOf('@'))
                : image.substring(0, image.lastIndexOf(':'));
        return repository.substring(repository.lastIndexOf('/') + 1);
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void everyFlagAndVariableIsReadByTheProcess(Path scenario) {
        List<Container> containers = joblaneContainers(Chart.chart().values(scenario).render());
        assertThat(containers).isNotEmpty();

        for (Container container : containers) {
            String component = component(container);
            List<String> args = container.getArgs() == null ? List.of() : container.getArgs();
            assertThat(container.getCommand()).as("the image's entrypoint runs the jar").isNullOrEmpty();
            String command = component;
            List<String> flags = args;
            if (!args.isEmpty() && !args.get(0).startsWith("-")) {
                command = component + " " + args.get(0);
                flags = args.subList(1, args.size());
            }
            Set<String> known = FLAGS.get(command);
            assertThat(known).as("a command the process has: %s", command).isNotNull();
            for (String arg : flags) {
                assertThat(arg).as("%s: flags use --name=value", command).startsWith("--");
                String flag = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
                assertThat(known.contains(flag) || COMMON.contains(flag)).as("%s reads %s", command, flag).isTrue();
            }
            if (container.getEnv() != null) {
                for (EnvVar env : container.getEnv()) {
                    assertThat(ENV.get(component).contains(env.getName()) || JVM_ENV.contains(env.getName()))
                            .as("%s reads env %s", component, env.getName()).isTrue();
                }
            }
        }
    }
}
