package io.joblane.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Contract with the processes: every command line the chart gives a Joblane container is parsed by that
 * process's own picocli command (the command lines the real Main classes run, parsed but not run), and
 * every environment variable it sets is one an option of that command reads. A renamed or retyped flag would
 * otherwise only show as a crash-looping pod in a cluster.
 */
class ProcessContractChartTest {
    /** Read by the JVM or the AWS SDK's default chain, not by a picocli option. */
    static final Set<String> READ_OUTSIDE_PICOCLI = Set.of("JAVA_TOOL_OPTIONS", "AWS_REGION");

    static final Pattern ENV = Pattern.compile("\\$\\{env:([A-Za-z0-9_]+)");

    /** The real command line of the process in an image named e.g. ghcr.io/joblane/joblane-scaler:0.1.0. */
    static CommandLine commandOf(String component) {
        CommandLine cmd = switch (component) {
            case "joblane-webhook" -> io.joblane.webhook.Main.commandLine();
            case "joblane-scaler" -> io.joblane.scaler.Main.commandLine();
            case "joblane-certs" ->
                io.joblane.certs.Main.commandLine(
                        () -> {
                            throw new AssertionError("parsing must not open a Kubernetes client");
                        },
                        Clock.systemUTC());
            default -> throw new AssertionError("no process behind image " + component);
        };
        return cmd;
    }

    static Stream<Path> scenarios() {
        return Chart.scenarios().stream();
    }

    static List<Container> joblaneContainers(Chart.Rendered rendered) {
        List<PodSpec> pods = new ArrayList<>();
        rendered.all(Deployment.class)
                .forEach(d -> pods.add(d.getSpec().getTemplate().getSpec()));
        rendered.all(Job.class).forEach(j -> pods.add(j.getSpec().getTemplate().getSpec()));
        rendered.all(CronJob.class)
                .forEach(c -> pods.add(
                        c.getSpec().getJobTemplate().getSpec().getTemplate().getSpec()));
        return pods.stream()
                .flatMap(p -> p.getContainers().stream())
                .filter(c -> component(c).startsWith("joblane-"))
                .toList();
    }

    /** "joblane-webhook" from "ghcr.io/joblane/joblane-webhook:0.1.0" (or @sha256:...). */
    static String component(Container container) {
        String image = container.getImage();
        String repository = image.contains("@")
                ? image.substring(0, image.indexOf('@'))
                : image.substring(0, image.lastIndexOf(':'));
        return repository.substring(repository.lastIndexOf('/') + 1);
    }

    /** Environment variables named in the defaults of the options the parsed (sub)command has. */
    static Set<String> envRead(CommandSpec spec) {
        Set<String> names = new TreeSet<>();
        for (OptionSpec option : spec.options()) {
            if (option.defaultValue() != null) {
                Matcher m = ENV.matcher(option.defaultValue());
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        return names;
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void everyFlagAndVariableIsReadByTheProcess(Path scenario) {
        List<Container> containers =
                joblaneContainers(Chart.chart().values(scenario).render());
        assertThat(containers).isNotEmpty();

        for (Container container : containers) {
            String component = component(container);
            assertThat(container.getCommand())
                    .as("%s runs the image's entrypoint (java -jar)", component)
                    .isNullOrEmpty();
            List<String> args = container.getArgs() == null ? List.of() : container.getArgs();
            CommandLine.ParseResult parsed = commandOf(component).parseArgs(args.toArray(String[]::new));

            // A second, uninterpolated instance shows the ${env:NAME} defaults of the same (sub)command.
            CommandLine raw = commandOf(component);
            raw.setInterpolateVariables(false);
            Set<String> env = new TreeSet<>(envRead(raw.getCommandSpec()));
            CommandLine.ParseResult leaf = parsed;
            while (leaf.hasSubcommand()) {
                leaf = leaf.subcommand();
                raw = raw.getSubcommands().get(leaf.commandSpec().name());
                env.addAll(envRead(raw.getCommandSpec()));
            }
            assertThat(leaf.unmatched()).as("%s %s", component, args).isEmpty();
            assertThat(leaf.isUsageHelpRequested() || leaf.isVersionHelpRequested())
                    .isFalse();
            for (EnvVar var : container.getEnv() == null ? List.<EnvVar>of() : container.getEnv()) {
                assertThat(env.contains(var.getName()) || READ_OUTSIDE_PICOCLI.contains(var.getName()))
                        .as(
                                "%s (%s) reads env %s; it reads %s",
                                component, leaf.commandSpec().qualifiedName(), var.getName(), env)
                        .isTrue();
            }
        }
    }

    @Test
    void everyProcessAndSubcommandIsExercised() {
        Set<String> seen = new TreeSet<>();
        for (Path scenario : Chart.scenarios()) {
            for (Container container :
                    joblaneContainers(Chart.chart().values(scenario).render())) {
                List<String> args = container.getArgs();
                String first = args.isEmpty() || args.get(0).startsWith("-") ? "" : " " + args.get(0);
                seen.add(component(container) + first);
            }
        }
        assertThat(seen)
                .containsExactlyInAnyOrder(
                        "joblane-webhook",
                        "joblane-scaler run",
                        "joblane-certs create",
                        "joblane-certs patch",
                        "joblane-certs rotate");
    }

    /** The contract check itself can fail: a flag the process does not have is refused. */
    @Test
    void aFlagTheProcessDoesNotHaveIsRefused() {
        assertThatThrownBy(() -> commandOf("joblane-scaler").parseArgs("run", "--config=/x", "--dryrun"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--dryrun");
        assertThatThrownBy(() -> commandOf("joblane-webhook").parseArgs("--health-port=http"))
                .isInstanceOf(CommandLine.ParameterException.class);
    }
}
