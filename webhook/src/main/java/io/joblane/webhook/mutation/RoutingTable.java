package io.joblane.webhook.mutation;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.joblane.model.WellKnown;
import io.joblane.model.config.GroupRouter;
import io.joblane.model.config.JoblaneConfig;
import io.joblane.model.config.NodeGroup;
import io.joblane.model.config.Taint;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the mutator needs of one loaded config, computed once per config instead of once per request: each group's
 * node labels, tolerations as JSON and resource thresholds in milli-units, and the list of names for messages.
 * Immutable; the JSON nodes it hands out are shared and must only be read (serialized), never changed.
 */
final class RoutingTable {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /**
     * One configured group, prepared. {@code labels} are the labels its nodes carry: the group label first;
     * {@code rule} its resource rules, shared with the simulator's routing.
     */
    record Route(NodeGroup group, Map<String, String> labels, List<ObjectNode> tolerations, GroupRouter.Rule rule) {
        String name() {
            return group.name();
        }
    }

    private final JoblaneConfig config;
    private final List<Route> routes;
    private final Map<String, Route> byName = new HashMap<>();
    private final Route defaultRoute;
    private final String names;

    RoutingTable(JoblaneConfig config) {
        this.config = config;
        this.routes = config.nodeGroups().stream().map(RoutingTable::route).toList();
        routes.forEach(r -> byName.put(r.name(), r));
        this.defaultRoute = byName.get(config.defaultGroup().name());
        this.names = String.join(", ", routes.stream().map(Route::name).toList());
    }

    private static Route route(NodeGroup group) {
        return new Route(
                group,
                Collections.unmodifiableMap(group.nodeSelector(WellKnown.NODE_GROUP_LABEL)),
                group.taints().stream().map(RoutingTable::toleration).toList(),
                GroupRouter.Rule.of(group));
    }

    private static ObjectNode toleration(Taint taint) {
        ObjectNode t = JSON.objectNode();
        t.put("key", taint.key());
        if (taint.value().isEmpty()) {
            t.put("operator", "Exists");
        } else {
            t.put("operator", "Equal");
            t.put("value", taint.value());
        }
        t.put("effect", taint.effect());
        return t;
    }

    JoblaneConfig config() {
        return config;
    }

    List<Route> routes() {
        return routes;
    }

    /** The configured group of that name, or null. */
    Route route(String name) {
        return byName.get(name);
    }

    Route defaultRoute() {
        return defaultRoute;
    }

    /** The configured group names, comma-separated in file order, for messages. */
    String names() {
        return names;
    }
}
