package io.joblane.simulator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine;

/**
 * A diagnostic run from the test classpath, not a test: {@code simulate} with the same arguments, then each run's
 * {@link NodeTimeBreakdown} (where its node-hours went). Used to find where the default install loses node time to a
 * peer (simulator/README.md, "Where the node-hours go").
 */
public final class BreakdownMain {
    private BreakdownMain() {}

    public static void main(String[] args) {
        List<NodeTimeBreakdown> runs = new ArrayList<>();
        Simulation.probes = (policy, seed) -> {
            NodeTimeBreakdown b = new NodeTimeBreakdown(policy, seed);
            synchronized (runs) {
                runs.add(b);
            }
            return b;
        };
        int code = new CommandLine(new SimulateCommand()).execute(args);
        runs.sort(Comparator.comparing((NodeTimeBreakdown b) -> b.policy).thenComparingLong(b -> b.seed));
        System.out.println(NodeTimeBreakdown.header());
        for (NodeTimeBreakdown b : runs) {
            System.out.println(b.row());
        }
        System.exit(code);
    }
}
