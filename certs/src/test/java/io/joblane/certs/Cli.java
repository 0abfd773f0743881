package io.joblane.certs;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import picocli.CommandLine;

/** Runs the real command line in-process with an injected client and clock, capturing what it prints. */
public final class Cli {
    /** Exit code and the captured output. */
    public record Run(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\nout: " + out + "\nerr: " + err;
        }
    }

    private Cli() {}

    public static Run run(KubernetesClient client, Clock clock, String... args) {
        CommandLine cmd = Main.commandLine(() -> client, clock);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new Run(code, out.toString(), err.toString());
    }
}
