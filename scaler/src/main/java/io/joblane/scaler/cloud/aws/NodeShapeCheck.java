package io.joblane.scaler.cloud.aws;

import io.joblane.model.config.JoblaneConfig;
import io.joblane.model.config.NodeGroup;
import io.joblane.model.config.Scaling;
import io.joblane.scaler.cloud.CloudException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The start-up refusal for aws node groups without a shape: a group whose {@code scaling.node} lacks cpu or memory
 * needs a node template from its Auto Scaling group; one that gets neither is named with its field, as the config
 * loader names invalid fields. Pure apart from the {@link TemplateSource} it is given.
 */
final class NodeShapeCheck {

    /** Reads the node templates of the named Auto Scaling groups; a group AWS does not know is absent. */
    interface TemplateSource {
        Map<String, NodeTemplateReader.Result> read(List<String> autoScalingGroups) throws CloudException;
    }

    private NodeShapeCheck() {}

    static List<String> missing(JoblaneConfig config, TemplateSource source) throws CloudException {
        Map<String, String> fieldByAsg = new LinkedHashMap<>();
        List<NodeGroup> groups = config.nodeGroups();
        for (int i = 0; i < groups.size(); i++) {
            Scaling s = groups.get(i).scaling();
            if (s != null && Scaling.PROVIDER_AWS.equals(s.provider()) && !AwsGroupSettings.hasCompleteShape(s)) {
                for (String asg : s.asgNames()) {
                    fieldByAsg.put(asg, "nodeGroups[" + i + "].scaling.node");
                }
            }
        }
        if (fieldByAsg.isEmpty()) {
            return List.of();
        }
        Map<String, NodeTemplateReader.Result> read = source.read(new ArrayList<>(fieldByAsg.keySet()));
        List<String> refusals = new ArrayList<>();
        fieldByAsg.forEach((asg, field) -> {
            NodeTemplateReader.Result r = read.get(asg);
            String why;
            if (r == null) {
                why = "Auto Scaling group " + asg + " was not found, so it gives no node template";
            } else if (r.template() == null || r.template().shapes().isEmpty()) {
                why = "Auto Scaling group " + asg + " gives no node template"
                        + (r.problems().isEmpty() ? "" : " (" + String.join("; ", r.problems()) + ")");
            } else {
                return;
            }
            refusals.add(field + ": give cpu and memory (the shape of a new node): " + why);
        });
        return refusals;
    }
}
