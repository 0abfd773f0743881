package io.joblane.model.config;

import java.util.List;
import java.util.Optional;

/**
 * The node-group file both processes read (mounted from the chart's ConfigMap). Build it with
 * {@link ConfigLoader}, which validates every field; an instance is always valid.
 */
public record JoblaneConfig(List<NodeGroup> nodeGroups, WebhookSettings webhook, ScalerSettings scaler) {

    public JoblaneConfig {
        nodeGroups = nodeGroups == null ? List.of() : List.copyOf(nodeGroups);
        webhook = webhook == null ? WebhookSettings.DEFAULTS : webhook;
        scaler = scaler == null ? ScalerSettings.DEFAULTS : scaler;
    }

    public Optional<NodeGroup> group(String name) {
        return nodeGroups.stream().filter(g -> g.name().equals(name)).findFirst();
    }

    /** The one group marked default; validation guarantees it exists. */
    public NodeGroup defaultGroup() {
        return nodeGroups.stream().filter(NodeGroup::isDefault).findFirst().orElseThrow();
    }

    /** Groups the scaler manages: those with a {@code scaling} section. */
    public List<NodeGroup> scaledGroups() {
        return nodeGroups.stream().filter(g -> g.scaling() != null).toList();
    }
}
