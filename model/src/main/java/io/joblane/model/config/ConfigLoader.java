package io.joblane.model.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.joblane.model.GoDuration;
import io.joblane.model.Quantity;
import io.joblane.model.WellKnown;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and validates the node-group file. Unknown fields, wrong types and invalid values are all refused
 * with the path of the field at fault, so a broken ConfigMap stops a process at start instead of routing
 * pods wrongly. Pure apart from {@link #load(Path)} reading the file.
 */
public final class ConfigLoader {
    /** The smallest duration {@link #validateDuration} accepts where zero would disable a safety delay. */
    private static final Duration POSITIVE = Duration.ofNanos(1);

    private static final Pattern LABEL_VALUE = Pattern.compile("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$");
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
    private static final Pattern NAME_PART = Pattern.compile("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$");
    private static final Set<String> TAINT_EFFECTS = Set.of("NoSchedule", "PreferNoSchedule", "NoExecute");
    private static final Set<String> PROVIDERS = Set.of(Scaling.PROVIDER_AWS, Scaling.PROVIDER_MEMORY);

    private static final ObjectMapper YAML = strictTypes(new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT));

    /** Numbers and booleans written as strings ("3", "true") are refused, as the chart's schema refuses them. */
    private static ObjectMapper strictTypes(ObjectMapper mapper) {
        for (LogicalType type : new LogicalType[] {LogicalType.Integer, LogicalType.Boolean, LogicalType.Float}) {
            mapper.coercionConfigFor(type).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        }
        // And names written as numbers (schedulerName: 5); quantities accept numbers through QuantityText.
        for (CoercionInputShape shape : new CoercionInputShape[] {
            CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean
        }) {
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        return mapper;
    }

    private ConfigLoader() {}

    public static JoblaneConfig load(Path file) throws InvalidConfigException {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new InvalidConfigException(file.toString(), List.of("cannot read file: " + e));
        }
        return parse(text, file.toString());
    }

    public static JoblaneConfig parse(String yaml, String source) throws InvalidConfigException {
        if (yaml.isBlank()) {
            throw new InvalidConfigException(source, List.of("nodeGroups: the file is empty"));
        }
        JoblaneConfig config;
        try {
            config = YAML.readValue(yaml, JoblaneConfig.class);
        } catch (UnrecognizedPropertyException e) {
            throw new InvalidConfigException(source, List.of(path(e) + ": unknown field"));
        } catch (JsonMappingException e) {
            String reason = e.getCause() instanceof StreamReadException syntax
                    ? "not valid YAML: " + syntax.getOriginalMessage()
                    : e.getOriginalMessage();
            throw new InvalidConfigException(source, List.of(path(e) + ": " + reason));
        } catch (JacksonException e) {
            throw new InvalidConfigException(source, List.of("not valid YAML: " + e.getOriginalMessage()));
        }
        if (config == null) {
            throw new InvalidConfigException(source, List.of("nodeGroups: the file is empty"));
        }
        List<String> problems = validate(config);
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(source, problems);
        }
        return config;
    }

    /** Returns every problem of an already-parsed config; empty when it is valid. */
    public static List<String> validate(JoblaneConfig config) {
        List<String> problems = new ArrayList<>();
        validateNodeGroups(config.nodeGroups(), problems);
        validateWebhook(config.webhook(), problems);
        validateScaler(config.scaler(), problems);
        return problems;
    }

    private static void validateNodeGroups(List<NodeGroup> groups, List<String> problems) {
        if (groups.isEmpty()) {
            problems.add("nodeGroups: at least one node group is required");
            return;
        }
        Set<String> names = new HashSet<>();
        Map<String, Integer> cloudGroups = new HashMap<>();
        int defaults = 0;
        for (int i = 0; i < groups.size(); i++) {
            NodeGroup group = groups.get(i);
            String at = "nodeGroups[" + i + "]";
            if (group == null) {
                problems.add(at + ": must not be empty");
                continue;
            }
            if (group.isDefault()) {
                defaults++;
            }
            validateGroup(group, at, names, problems);
            validateOwnCloudGroup(group, i, cloudGroups, problems);
        }
        if (defaults != 1) {
            problems.add("nodeGroups: exactly one group must have default: true (found " + defaults + ")");
        }
    }

    private static void validateGroup(NodeGroup group, String at, Set<String> names, List<String> problems) {
        validateName(group.name(), at + ".name", names, problems);
        validateLabels(group.labels(), at + ".labels", problems);
        validateTaints(group.taints(), at + ".taints", problems);
        if (!group.schedulerName().isEmpty()
                && (group.schedulerName().length() > 253
                        || !DNS_SUBDOMAIN.matcher(group.schedulerName()).matches())) {
            problems.add(at + ".schedulerName: \"" + group.schedulerName() + "\" is not a valid name");
        }
        validateMatch(group.match(), at + ".match", problems);
        if (!group.spot().preferOnDemandAbove().isEmpty()) {
            validateDuration(group.spot().preferOnDemandAbove(), at + ".spot.preferOnDemandAbove", POSITIVE, problems);
        }
        validateScaling(group.scaling(), at + ".scaling", problems);
    }

    /** A group's name becomes a label value and must be unique; {@code names} collects the names seen so far. */
    private static void validateName(String name, String at, Set<String> names, List<String> problems) {
        if (name == null || name.isEmpty()) {
            problems.add(at + ": is required");
        } else if (name.length() > 63 || !LABEL_VALUE.matcher(name).matches()) {
            problems.add(at + ": \"" + name + "\" is not a valid label value");
        } else if (!names.add(name)) {
            problems.add(at + ": \"" + name + "\" is used by another group");
        }
    }

    /** Two node groups sizing one cloud group would each count the other's nodes as theirs. */
    private static void validateOwnCloudGroup(
            NodeGroup group, int index, Map<String, Integer> cloudGroups, List<String> problems) {
        if (group.scaling() == null) {
            return;
        }
        String field = group.scaling().autoScalingGroups().isEmpty() ? "autoScalingGroup" : "autoScalingGroups";
        for (String cloudGroup : group.scaling().asgNames()) {
            Integer other = cloudGroups.putIfAbsent(cloudGroup, index);
            if (other != null) {
                problems.add("nodeGroups[" + index + "].scaling." + field + ": \"" + cloudGroup
                        + "\" is already used by nodeGroups[" + other + "]");
            }
        }
    }

    private static void validateLabels(Map<String, String> labels, String at, List<String> problems) {
        labels.forEach((key, value) -> {
            if (!isQualifiedName(key)) {
                problems.add(at + "." + key + ": not a valid label key");
            } else if (key.equals(WellKnown.NODE_GROUP_LABEL)) {
                problems.add(at + "." + key + ": set by Joblane from the group's name");
            }
            if (value == null
                    || value.length() > 63
                    || !LABEL_VALUE.matcher(value).matches()) {
                problems.add(at + "." + key + ": \"" + value + "\" is not a valid label value");
            }
        });
    }

    private static void validateTaints(List<Taint> taints, String at, List<String> problems) {
        Set<String> seen = new HashSet<>();
        for (int t = 0; t < taints.size(); t++) {
            Taint taint = taints.get(t);
            String tat = at + "[" + t + "]";
            if (taint == null || taint.key() == null || taint.key().isEmpty()) {
                problems.add(tat + ".key: is required");
                continue;
            }
            if (!isQualifiedName(taint.key())) {
                problems.add(tat + ".key: \"" + taint.key() + "\" is not a valid taint key");
            }
            if (taint.key().equals(WellKnown.DRAINING_TAINT)) {
                problems.add(tat + ".key: " + WellKnown.DRAINING_TAINT + " is reserved for the scaler");
            }
            if (taint.value().length() > 63
                    || !LABEL_VALUE.matcher(taint.value()).matches()) {
                problems.add(tat + ".value: \"" + taint.value() + "\" is not a valid taint value");
            }
            if (taint.effect() == null || !TAINT_EFFECTS.contains(taint.effect())) {
                problems.add(tat + ".effect: must be one of NoSchedule, PreferNoSchedule, NoExecute");
            }
            if (!seen.add(taint.key() + ":" + taint.effect())) {
                problems.add(tat + ": duplicate taint " + taint.key() + ":" + taint.effect());
            }
        }
    }

    private static void validateMatch(GroupMatch match, String at, List<String> problems) {
        if (match == null) {
            return;
        }
        for (int r = 0; r < match.resources().size(); r++) {
            String resource = match.resources().get(r);
            if (resource == null || !isQualifiedName(resource)) {
                problems.add(at + ".resources[" + r + "]: \"" + resource + "\" is not a resource name");
            }
        }
        validateQuantity(match.minMemory(), at + ".minMemory", false, problems);
        validateQuantity(match.minCpu(), at + ".minCpu", false, problems);
        if (match.resources().isEmpty() && match.minMemory() == null && match.minCpu() == null) {
            problems.add(at + ": give at least one of resources, minMemory, minCpu");
        }
    }

    private static void validateScaling(Scaling scaling, String at, List<String> problems) {
        if (scaling == null) {
            return;
        }
        validateProvider(scaling, at, problems);
        validateSizes(scaling, at, problems);
        validateNodeShape(scaling, at, problems);
        validateMemoryCloud(scaling, at + ".memory", problems);
        validateDuration(scaling.scaleDownDelay(), at + ".scaleDownDelay", POSITIVE, problems);
        validateDuration(scaling.bootDelay(), at + ".bootDelay", Duration.ZERO, problems);
        validateDuration(scaling.registrationTimeout(), at + ".registrationTimeout", POSITIVE, problems);
        if (!List.of(Scaling.TIMING_FIXED, Scaling.TIMING_COST).contains(scaling.scaleInTiming())) {
            problems.add(at + ".scaleInTiming: must be fixed or cost, not \"" + scaling.scaleInTiming() + "\"");
        }
    }

    private static void validateProvider(Scaling scaling, String at, List<String> problems) {
        if (!PROVIDERS.contains(scaling.provider())) {
            problems.add(at + ".provider: must be aws or memory, not \"" + scaling.provider() + "\"");
        }
        boolean one = scaling.autoScalingGroup() != null
                && !scaling.autoScalingGroup().isBlank();
        if (one && !scaling.autoScalingGroups().isEmpty()) {
            problems.add(at + ".autoScalingGroups: give either autoScalingGroup (one ASG) or autoScalingGroups, "
                    + "not both");
        }
        for (int i = 0; i < scaling.autoScalingGroups().size(); i++) {
            String name = scaling.autoScalingGroups().get(i);
            if (name == null || name.isBlank()) {
                problems.add(at + ".autoScalingGroups[" + i + "]: must not be empty");
            } else if (scaling.autoScalingGroups().indexOf(name) != i) {
                problems.add(at + ".autoScalingGroups[" + i + "]: \"" + name + "\" is listed twice");
            }
        }
        if (Scaling.PROVIDER_AWS.equals(scaling.provider())
                && !one
                && scaling.autoScalingGroups().isEmpty()) {
            problems.add(at + ".autoScalingGroup: is required when provider is aws (or autoScalingGroups)");
        }
    }

    private static void validateSizes(Scaling scaling, String at, List<String> problems) {
        if (scaling.maxNodes() == null) {
            problems.add(at + ".maxNodes: is required");
        } else if (scaling.maxNodes() < 1) {
            problems.add(at + ".maxNodes: must be at least 1");
        }
        if (scaling.minNodes() < 0) {
            problems.add(at + ".minNodes: must not be negative");
        } else if (scaling.maxNodes() != null && scaling.minNodes() > scaling.maxNodes()) {
            problems.add(at + ".minNodes: must not exceed maxNodes");
        }
        if (scaling.maxDraining() < 0) { // 0: no node is drained, only nodes that empty by themselves go
            problems.add(at + ".maxDraining: must not be negative");
        }
    }

    private static void validateNodeShape(Scaling scaling, String at, List<String> problems) {
        // An aws group may leave the shape to its Auto Scaling group's node template (checked at start); the
        // in-memory provider has no template to read.
        if (!Scaling.PROVIDER_AWS.equals(scaling.provider()) && !scaling.memoryGivesTypes()) {
            for (String required : List.of(WellKnown.RESOURCE_CPU, WellKnown.RESOURCE_MEMORY)) {
                if (!scaling.node().containsKey(required)) {
                    problems.add(at + ".node." + required + ": is required (the shape of a new node)");
                }
            }
        }
        scaling.node().forEach((resource, quantity) -> {
            if (!isQualifiedName(resource)) {
                problems.add(at + ".node." + resource + ": not a resource name");
            }
            validateQuantity(quantity, at + ".node." + resource, false, problems);
        });
    }

    /** The in-memory provider's section: only for provider memory; types named, shaped and unique; members known. */
    private static void validateMemoryCloud(Scaling scaling, String at, List<String> problems) {
        MemoryCloud memory = scaling.memory();
        if (memory == null) {
            return;
        }
        if (!Scaling.PROVIDER_MEMORY.equals(scaling.provider())) {
            problems.add(at + ": only for provider memory (an aws group's types come from its Auto Scaling group)");
            return;
        }
        validateInstanceTypes(memory.instanceTypes(), at + ".instanceTypes", problems);
        validateLabels(memory.labels(), at + ".labels", problems);
        validateTaints(memory.taints(), at + ".taints", problems);
        if (!List.of(MemoryCloud.RULE_PRIORITIZED, MemoryCloud.RULE_LOWEST_PRICE)
                .contains(memory.launchRule())) {
            problems.add(at + ".launchRule: must be prioritized or lowest-price, not \"" + memory.launchRule() + "\"");
        }
        memory.autoScalingGroups().forEach((asg, own) -> {
            String aat = at + ".autoScalingGroups." + asg;
            if (!scaling.asgNames().contains(asg)) {
                problems.add(aat + ": not one of the group's Auto Scaling groups " + scaling.asgNames());
            }
            if (own == null) {
                problems.add(aat + ": give instanceTypes, labels, taints or zone");
                return;
            }
            validateInstanceTypes(own.instanceTypes(), aat + ".instanceTypes", problems);
            validateLabels(own.labels(), aat + ".labels", problems);
            if (own.taints() != null) {
                validateTaints(own.taints(), aat + ".taints", problems);
            }
            if (own.zone() != null
                    && (own.zone().isBlank() || !LABEL_VALUE.matcher(own.zone()).matches())) {
                problems.add(aat + ".zone: \"" + own.zone() + "\" is not a valid zone name (a label value)");
            }
        });
    }

    private static void validateInstanceTypes(List<MemoryCloud.InstanceType> types, String at, List<String> problems) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < types.size(); i++) {
            MemoryCloud.InstanceType t = types.get(i);
            String tat = at + "[" + i + "]";
            if (t == null
                    || t.name() == null
                    || t.name().isBlank()
                    || !LABEL_VALUE.matcher(t.name()).matches()) {
                problems.add(tat + ".name: is required and must be a valid label value (e.g. m5.xlarge)");
                continue;
            }
            if (!names.add(t.name())) {
                problems.add(tat + ".name: \"" + t.name() + "\" is listed twice");
            }
            for (String required : List.of(WellKnown.RESOURCE_CPU, WellKnown.RESOURCE_MEMORY)) {
                if (!t.allocatable().containsKey(required)) {
                    problems.add(tat + ".allocatable." + required + ": is required");
                }
            }
            t.allocatable().forEach((resource, quantity) -> {
                if (!isQualifiedName(resource)) {
                    problems.add(tat + ".allocatable." + resource + ": not a resource name");
                }
                validateQuantity(quantity, tat + ".allocatable." + resource, false, problems);
            });
            if (t.pricePerHour() < 0 || t.pricePerHour().isNaN()) {
                problems.add(tat + ".pricePerHour: must not be negative");
            }
        }
    }

    private static void validateWebhook(WebhookSettings webhook, List<String> problems) {
        for (int i = 0; i < webhook.jobOwners().size(); i++) {
            JobOwnerRule rule = webhook.jobOwners().get(i);
            String at = "webhook.jobOwners[" + i + "]";
            if (rule == null || rule.kind() == null || rule.kind().isBlank()) {
                problems.add(at + ".kind: is required");
            }
            if (rule == null || rule.apiVersion() == null || rule.apiVersion().isBlank()) {
                problems.add(at + ".apiVersion: is required");
            }
        }
        for (int i = 0; i < webhook.jobLabels().size(); i++) {
            JobLabelRule rule = webhook.jobLabels().get(i);
            String at = "webhook.jobLabels[" + i + "]";
            if (rule == null || rule.key() == null || !isQualifiedName(rule.key())) {
                problems.add(at + ".key: is required and must be a valid label key");
            }
        }
        if (webhook.strictOwner() && webhook.jobControllerUsers().isEmpty()) {
            problems.add("webhook.jobControllerUsers: strictOwner needs at least one user");
        }
    }

    /** Shortest settleDelay accepted: see {@code scaler/DESIGN.md}, "The fence". */
    public static final java.time.Duration MIN_SETTLE_DELAY = java.time.Duration.ofSeconds(10);

    private static void validateScaler(ScalerSettings scaler, List<String> problems) {
        validateDuration(scaler.scanInterval(), "scaler.scanInterval", Duration.ofMillis(100), problems);
        // A pod the scheduler picked for a node just before it was fenced binds later (the binding cycle is
        // asynchronous; WaitForFirstConsumer volumes are provisioned first): settleDelay is its time to show.
        validateDuration(scaler.settleDelay(), "scaler.settleDelay", MIN_SETTLE_DELAY, problems);
        String endpoint = scaler.aws().endpoint();
        if (!endpoint.isEmpty() && !(endpoint.startsWith("http://") || endpoint.startsWith("https://"))) {
            problems.add("scaler.aws.endpoint: must be an http:// or https:// URL");
        }
        validateSpotTaints(scaler.spot().interruptionTaints(), "scaler.spot.interruptionTaints", problems);
        validateSpotTaints(scaler.spot().rebalanceTaints(), "scaler.spot.rebalanceTaints", problems);
        String ec2Endpoint = scaler.aws().ec2Endpoint();
        if (!ec2Endpoint.isEmpty() && !(ec2Endpoint.startsWith("http://") || ec2Endpoint.startsWith("https://"))) {
            problems.add("scaler.aws.ec2Endpoint: must be an http:// or https:// URL");
        }
    }

    /** Taint keys that mark a Spot notice: valid keys, never the scaler's own draining taint. */
    private static void validateSpotTaints(List<String> keys, String at, List<String> problems) {
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            if (!isQualifiedName(key)) {
                problems.add(at + "[" + i + "]: \"" + key + "\" is not a valid taint key");
            } else if (key.equals(WellKnown.DRAINING_TAINT)) {
                problems.add(
                        at + "[" + i + "]: " + WellKnown.DRAINING_TAINT + " is the scaler's own taint, not a notice");
            }
        }
    }

    private static void validateQuantity(String quantity, String at, boolean required, List<String> problems) {
        if (quantity == null) {
            if (required) {
                problems.add(at + ": is required");
            }
            return;
        }
        if (!quantity.equals(quantity.strip())) {
            problems.add(at + ": must not start or end with spaces: \"" + quantity + "\"");
            return;
        }
        if (quantity.startsWith("-")) {
            // Even "-0": values.schema.json admits no sign but "+", and both must agree.
            problems.add(at + ": must not be negative: \"" + quantity + "\"");
            return;
        }
        try {
            Quantity.toMillis(quantity);
        } catch (IllegalArgumentException e) {
            problems.add(at + ": " + e.getMessage());
        }
    }

    /**
     * The one check of every duration field: it parses and is at least {@code atLeast}. A zero timer would turn a
     * delay meant to protect something (a settle window, a registration wait) into none at all.
     */
    private static void validateDuration(String duration, String at, Duration atLeast, List<String> problems) {
        Duration parsed;
        try {
            parsed = GoDuration.parse(duration);
        } catch (IllegalArgumentException e) {
            problems.add(at + ": " + e.getMessage());
            return;
        }
        if (parsed.compareTo(atLeast) < 0) {
            problems.add(at + ": must be "
                    + (atLeast == POSITIVE ? "more than 0s" : "at least " + GoDuration.format(atLeast)));
        }
    }

    /** A Kubernetes qualified name: optional DNS-subdomain prefix and a slash, then a name of at most 63. */
    static boolean isQualifiedName(String key) {
        if (key == null || key.isEmpty()) {
            return false;
        }
        int slash = key.indexOf('/');
        String name = key;
        if (slash >= 0) {
            String prefix = key.substring(0, slash);
            name = key.substring(slash + 1);
            if (prefix.isEmpty()
                    || prefix.length() > 253
                    || !DNS_SUBDOMAIN.matcher(prefix).matches()) {
                return false;
            }
        }
        return name.length() <= 63 && NAME_PART.matcher(name).matches();
    }

    private static String path(JsonMappingException e) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            } else if (ref.getFieldName() != null) {
                if (out.length() > 0) {
                    out.append('.');
                }
                out.append(ref.getFieldName());
            }
        }
        return out.length() == 0 ? "(top level)" : out.toString();
    }
}
