package io.joblane.model;

/**
 * Label, annotation and taint names that the webhook, the scaler and the chart must agree on.
 * The single source for these strings: never repeat them as literals elsewhere.
 */
public final class WellKnown {
    private WellKnown() {}

    /** Namespace label that opts a namespace in; its value must be {@link #INJECT_ENABLED}. */
    public static final String NAMESPACE_INJECT_LABEL = "joblane.io/inject";

    public static final String INJECT_ENABLED = "enabled";
    /** Pod annotation that opts one pod out when set to "false". */
    public static final String POD_INJECT_ANNOTATION = "joblane.io/inject";
    /** Pod or namespace annotation naming the node group to use. */
    public static final String NODE_GROUP_ANNOTATION = "joblane.io/node-group";
    /** Node label (and pod nodeSelector key and pod label) carrying the node group's name. */
    public static final String NODE_GROUP_LABEL = "joblane.io/node-group";
    /** Taint key of a group's dedicated nodes: {@code joblane.io/dedicated=<group>:NoSchedule}. */
    public static final String DEDICATED_TAINT = "joblane.io/dedicated";
    /** Taint key the scaler puts on a node it is emptying. No Job pod tolerates it. */
    public static final String DRAINING_TAINT = "joblane.io/draining";
    /**
     * Node label the scaler puts on a node it is emptying, beside the taint of the same key. Every steered pod gets a
     * required node affinity {@code joblane.io/draining DoesNotExist}: unlike a taint, no toleration crosses it.
     */
    public static final String DRAINING_LABEL = "joblane.io/draining";
    /** Node annotation that keeps the scaler from ever draining or removing that node. */
    public static final String SCALE_DOWN_DISABLED_ANNOTATION = "joblane.io/scale-down-disabled";

    /**
     * Pod annotation: how long the pod's Job is expected to run, a Go duration ("45m", "2h"). The first source of the
     * lanes prediction; a Job sets it in its pod template.
     */
    public static final String EXPECTED_DURATION_ANNOTATION = "joblane.io/expected-duration";
    /** Pod label naming the pod's family for run-time history (else its Job or CronJob name stands for it). */
    public static final String FAMILY_LABEL = "joblane.io/family";
    /**
     * Node label the scaler keeps on each group node: the latest expected end of the Job pods bound to it, in whole
     * minutes since the epoch. The webhook's preferred node affinity {@code Gt} compares a pod's own end with it.
     */
    public static final String LANE_END_LABEL = "joblane.io/lane-end";
    /** ConfigMap (in the scaler's namespace) where the scaler publishes the run times of each family. */
    public static final String LANES_CONFIGMAP = "joblane-lanes";
    /** The key of {@link #LANES_CONFIGMAP} holding the family table ({@code io.joblane.model.lanes.FamilyTable}). */
    public static final String LANES_CONFIGMAP_KEY = "families";

    /**
     * Node label EKS managed node groups put on every node: {@link #EKS_CAPACITY_ON_DEMAND} or {@link #EKS_CAPACITY_SPOT}
     * (scaler/AWS.md, Spot). The webhook's on-demand preference names it.
     */
    public static final String EKS_CAPACITY_TYPE_LABEL = "eks.amazonaws.com/capacityType";

    public static final String EKS_CAPACITY_ON_DEMAND = "ON_DEMAND";
    public static final String EKS_CAPACITY_SPOT = "SPOT";
    /** Node label Karpenter puts on its nodes: {@code on-demand}, {@code spot} (or {@code reserved}). */
    public static final String KARPENTER_CAPACITY_TYPE_LABEL = "karpenter.sh/capacity-type";

    public static final String KARPENTER_CAPACITY_SPOT = "spot";
    public static final String KARPENTER_CAPACITY_ON_DEMAND = "on-demand";

    public static final String SAFE_TO_EVICT_ANNOTATION = "cluster-autoscaler.kubernetes.io/safe-to-evict";
    public static final String KARPENTER_DO_NOT_DISRUPT_ANNOTATION = "karpenter.sh/do-not-disrupt";

    /** Labels the Job controller puts on its pods (the first since Kubernetes 1.27, the second before). */
    public static final String JOB_NAME_LABEL = "batch.kubernetes.io/job-name";

    public static final String LEGACY_JOB_NAME_LABEL = "job-name";
    public static final String JOB_CONTROLLER_UID_LABEL = "batch.kubernetes.io/controller-uid";

    /** The Job controller's identity when kube-controller-manager uses per-controller credentials (EKS, kubeadm). */
    public static final String JOB_CONTROLLER_USER = "system:serviceaccount:kube-system:job-controller";

    /** Node label of the node's zone, set by the cloud provider; PersistentVolumes of zonal disks select it. */
    public static final String ZONE_LABEL = "topology.kubernetes.io/zone";
    /** Node label of the node's name: the per-node topology key of anti-affinity and spread. */
    public static final String HOSTNAME_LABEL = "kubernetes.io/hostname";
    /** Node label of the node's instance type. */
    public static final String INSTANCE_TYPE_LABEL = "node.kubernetes.io/instance-type";
    /** Node labels the kubelet sets: the operating system and the processor architecture (Go's GOOS, GOARCH). */
    public static final String OS_LABEL = "kubernetes.io/os";
    /** Prefix of the taints Kubernetes puts on nodes for their conditions (not ready, unschedulable, pressure). */
    public static final String NODE_CONDITION_TAINT_PREFIX = "node.kubernetes.io/";

    public static final String ARCH_LABEL = "kubernetes.io/arch";

    public static final String RESOURCE_CPU = "cpu";
    public static final String RESOURCE_MEMORY = "memory";
    public static final String RESOURCE_PODS = "pods";
    public static final String RESOURCE_NVIDIA_GPU = "nvidia.com/gpu";
}
