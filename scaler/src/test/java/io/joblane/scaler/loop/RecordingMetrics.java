package io.joblane.scaler.loop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Counts what the loop reports, for assertions. */
public final class RecordingMetrics implements ScalerMetrics {
    public final Map<DecisionKind, Integer> decisions = new EnumMap<>(DecisionKind.class);
    public final List<Integer> podsAtTermination = new ArrayList<>();
    public int podsBoundAfterCheck;
    public int neverFits;
    public int cloudErrors;
    public int clusterErrors;
    public int scans;
    public int unexpectedTerminations;
    public final List<String> spotNotices = new ArrayList<>();
    public int spotInterruptions;
    public int laneLabelWrites;

    /** Scans that did not plan a group, "group/reason". */
    public final List<String> skipped = new ArrayList<>();

    @Override
    public void groupSkipped(String group, GroupSkip reason) {
        skipped.add(group + "/" + reason.label());
    }

    @Override
    public void laneLabelWritten() {
        laneLabelWrites++;
    }

    public final List<Duration> registrationLags = new ArrayList<>();
    /** New nodes asked per member Auto Scaling group, "group/asg". */
    public final Map<String, Integer> asgNodesRequested = new java.util.TreeMap<>();

    @Override
    public void asgNodesRequested(String group, String asg, int nodes) {
        asgNodesRequested.merge(group + "/" + asg, nodes, Integer::sum);
    }

    @Override
    public void nodeRegistered(String group, Duration lag) {
        registrationLags.add(lag);
    }

    @Override
    public void decision(String group, DecisionKind kind) {
        decisions.merge(kind, 1, Integer::sum);
    }

    @Override
    public void podsFoundAtTermination(String group, int pods) {
        podsAtTermination.add(pods);
    }

    @Override
    public void podsBoundAfterLastCheck(String group, int pods) {
        podsBoundAfterCheck += pods;
    }

    @Override
    public void spotNotice(String group, String kind) {
        spotNotices.add(group + "/" + kind);
    }

    @Override
    public void spotInterruption(String group) {
        spotInterruptions++;
    }

    @Override
    public void unexpectedTermination(String group) {
        unexpectedTerminations++;
    }

    @Override
    public void podNeverFits(String group) {
        neverFits++;
    }

    @Override
    public void cloudCall(String group, String operation, String errorCode) {
        if (errorCode != null) {
            cloudErrors++;
        }
    }

    @Override
    public void clusterError(String operation) {
        clusterErrors++;
    }

    @Override
    public void scanCompleted(Duration duration, ScanResult result) {
        scans++;
    }

    public int count(DecisionKind kind) {
        return decisions.getOrDefault(kind, 0);
    }
}
