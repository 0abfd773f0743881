package io.joblane.scaler.bench;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerImageBuilder;
import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.joblane.model.WellKnown;
import io.joblane.scaler.plan.DrainState;
import io.joblane.scaler.plan.NodeInfo;
import io.joblane.scaler.plan.PodInfo;
import io.joblane.scaler.plan.PodPhase;
import io.joblane.scaler.plan.ProviderIds;
import io.joblane.scaler.plan.Resources;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Estimates the scaler's heap for a large installation: builds 50,000 Job pods and 5,000 nodes as full fabric8 objects,
 * shaped like what an API server returns (managed fields, env, volumes, tolerations, conditions, container statuses,
 * node images), measures the retained heap after GC with {@link MemoryMXBean}, then the same for the planner's
 * snapshot model. Run with {@code -Xmx2g}; arguments {@code [pods] [nodes]}. Prints MiB figures.
 */
public final class InformerHeapEstimate {
    private InformerHeapEstimate() {
    }

    public static void main(String[] args) throws Exception {
        int pods = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        int nodes = args.length > 1 ? Integer.parseInt(args[1]) : 5_000;
        MemoryMXBean mx = ManagementFactory.getMemoryMXBean();

        long base = settledHeap(mx);
        List<Node> nodeObjects = new ArrayList<>(nodes);
        for (int n = 0; n < nodes; n++) {
            nodeObjects.add(node(n));
        }
        List<Pod> podObjects = new ArrayList<>(pods);
        for (int p = 0; p < pods; p++) {
            podObjects.add(pod(p, nodes));
        }
        long full = settledHeap(mx) - base;

        List<NodeInfo> nodeInfos = new ArrayList<>(nodes);
        for (int n = 0; n < nodes; n++) {
            nodeInfos.add(new NodeInfo("ip-10-" + n + ".ec2.internal", "batch", String.format("i-%017x", n),
                    Resources.ofMillis(Map.of("cpu", 15_890L, "memory", 63_000L << 30, "pods", 110_000L)), true,
                    Instant.now(), false, false, DrainState.NONE, false, null, null, null));
        }
        List<PodInfo> podInfos = new ArrayList<>(pods);
        for (int p = 0; p < pods; p++) {
            podInfos.add(new PodInfo("uid-" + p, "team-" + (p % 40), "job-" + p + "-abcde", "batch",
                    Resources.ofMillis(Map.of("cpu", 1000L + p % 4 * 500, "memory", (2L + p % 8) << 40)),
                    PodPhase.RUNNING, true, false, false, "ip-10-" + (p % nodes) + ".ec2.internal", Instant.now(),
                    Instant.now()));
        }
        long withModel = settledHeap(mx) - base;

        System.out.printf("heap estimate for %,d pods and %,d nodes (retained after GC):%n", pods, nodes);
        System.out.printf("  full fabric8 objects as an informer caches them: %,.0f MiB (%,.1f KiB per pod incl. nodes)%n",
                mib(full), full / 1024.0 / pods);
        System.out.printf("  planner snapshot model (transient, per scan):    %,.0f MiB%n", mib(withModel - full));
        System.out.printf("  total: %,.0f MiB of the 1 GiB budget%n", mib(withModel));
        if (nodeObjects.size() + podObjects.size() + nodeInfos.size() + podInfos.size() == 0) {
            System.out.println("unreachable: keeps the objects alive until here");
        }
    }

    private static double mib(long bytes) {
        return bytes / 1024.0 / 1024.0;
    }

    private static long settledHeap(MemoryMXBean mx) throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, mx.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /** A Job pod as the API server returns it; every string is a fresh instance, as after JSON decoding. */
    static Pod pod(int i, int nodes) {
        String job = "job-" + i / 4 + "-" + Integer.toHexString(i * 7919);
        String ns = "team-" + i % 40;
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(WellKnown.JOB_NAME_LABEL, job);
        labels.put(WellKnown.LEGACY_JOB_NAME_LABEL, job);
        labels.put(WellKnown.JOB_CONTROLLER_UID_LABEL, "c" + i + "-4b1e-9d5c-3f2a7e8b6c1d");
        labels.put("controller-uid", "c" + i + "-4b1e-9d5c-3f2a7e8b6c1d");
        labels.put(WellKnown.NODE_GROUP_LABEL, "batch");
        labels.put("app.kubernetes.io/name", "etl-" + i % 13);
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(WellKnown.SAFE_TO_EVICT_ANNOTATION, "false");
        annotations.put(WellKnown.KARPENTER_DO_NOT_DISRUPT_ANNOTATION, "true");
        annotations.put(WellKnown.NODE_GROUP_ANNOTATION, "batch");
        FieldsV1 fields = new FieldsV1();
        fields.setAdditionalProperty("f:metadata", Map.of("f:labels", Map.of("f:app" + i, Map.of()),
                "f:ownerReferences", Map.of("k:{\"uid\":\"" + i + "\"}", Map.of())));
        fields.setAdditionalProperty("f:spec", Map.of("f:containers", Map.of("k:{\"name\":\"main\"}",
                Map.of("f:image", Map.of(), "f:resources", Map.of("f:requests", Map.of("f:cpu", Map.of()))))));
        FieldsV1 statusFields = new FieldsV1();
        statusFields.setAdditionalProperty("f:status", Map.of("f:conditions", Map.of("k:{\"type\":\"Ready\"}" + i,
                Map.of("f:status", Map.of())), "f:phase", Map.of(), "f:podIP", Map.of()));
        String node = "ip-10-0-" + (i % nodes) / 250 + "-" + (i % nodes) % 250 + ".ec2.internal";
        return new PodBuilder()
                .withNewMetadata().withName(job + "-" + Integer.toHexString(i)).withNamespace(ns)
                .withUid(i + "-8f14e45f-ceea-467f-a8f5-2d1e" + i).withResourceVersion(String.valueOf(1_000_000 + i))
                .withCreationTimestamp("2026-01-01T00:" + i % 60 + ":00Z").withGenerateName(job + "-")
                .withLabels(labels).withAnnotations(annotations)
                .addNewOwnerReference().withApiVersion("batch/v1").withKind("Job").withName(job)
                .withUid("c" + i + "-4b1e-9d5c-3f2a7e8b6c1d").withController(true).withBlockOwnerDeletion(true)
                .endOwnerReference()
                .withManagedFields(new ManagedFieldsEntryBuilder().withManager("kube-controller-manager")
                                .withOperation("Update").withApiVersion("v1").withTime("2026-01-01T00:00:00Z")
                                .withFieldsType("FieldsV1").withFieldsV1(fields).build(),
                        new ManagedFieldsEntryBuilder().withManager("kubelet").withOperation("Update")
                                .withApiVersion("v1").withTime("2026-01-01T00:01:00Z").withFieldsType("FieldsV1")
                                .withSubresource("status").withFieldsV1(statusFields).build())
                .endMetadata()
                .withNewSpec()
                .withContainers(new ContainerBuilder().withName("main")
                        .withImage("123456789012.dkr.ecr.us-east-1.amazonaws.com/etl:" + i % 50)
                        .withCommand("python", "-m", "etl.run").withArgs("--date", "2026-01-" + i % 28, "--shard", "" + i)
                        .addNewEnv().withName("SHARD").withValue("" + i).endEnv()
                        .addNewEnv().withName("BUCKET").withValue("s3://data-" + i % 7).endEnv()
                        .addNewEnv().withName("AWS_REGION").withValue("us-east-1").endEnv()
                        .withNewResources()
                        .addToRequests("cpu", new Quantity(1 + i % 4 + ""))
                        .addToRequests("memory", new Quantity(2 + i % 8 + "Gi"))
                        .addToLimits("memory", new Quantity(2 + i % 8 + "Gi"))
                        .endResources()
                        .addNewVolumeMount().withName("kube-api-access-" + i % 1000).withMountPath("/var/run/secrets/kubernetes.io/serviceaccount")
                        .withReadOnly(true).endVolumeMount()
                        .withTerminationMessagePath("/dev/termination-log").withTerminationMessagePolicy("File")
                        .withImagePullPolicy("IfNotPresent").build())
                .addNewVolume().withName("kube-api-access-" + i % 1000).withNewProjected().withDefaultMode(420)
                .addNewSource().withNewServiceAccountToken().withExpirationSeconds(3607L).withPath("token")
                .endServiceAccountToken().endSource().endProjected().endVolume()
                .withRestartPolicy("Never").withTerminationGracePeriodSeconds(30L).withDnsPolicy("ClusterFirst")
                .withServiceAccountName("default").withServiceAccount("default").withNodeName(node)
                .withSchedulerName("default-scheduler").withPriority(0).withEnableServiceLinks(true)
                .withPreemptionPolicy("PreemptLowerPriority")
                .withNodeSelector(Map.of(WellKnown.NODE_GROUP_LABEL, "batch"))
                .addNewToleration().withKey(WellKnown.DEDICATED_TAINT).withOperator("Equal").withValue("batch")
                .withEffect("NoSchedule").endToleration()
                .addNewToleration().withKey("node.kubernetes.io/not-ready").withOperator("Exists")
                .withEffect("NoExecute").withTolerationSeconds(300L).endToleration()
                .addNewToleration().withKey("node.kubernetes.io/unreachable").withOperator("Exists")
                .withEffect("NoExecute").withTolerationSeconds(300L).endToleration()
                .endSpec()
                .withNewStatus().withPhase("Running").withHostIP("10.0." + i % 250 + ".1")
                .withPodIP("10.1." + i % 250 + "." + i % 200).withStartTime("2026-01-01T00:00:0" + i % 10 + "Z")
                .withQosClass("Burstable")
                .addNewCondition().withType("PodReadyToStartContainers").withStatus("True").endCondition()
                .addNewCondition().withType("Initialized").withStatus("True").endCondition()
                .addNewCondition().withType("Ready").withStatus("True").endCondition()
                .addNewCondition().withType("ContainersReady").withStatus("True").endCondition()
                .addNewCondition().withType("PodScheduled").withStatus("True").endCondition()
                .addNewContainerStatus().withName("main").withReady(true).withRestartCount(0).withStarted(true)
                .withImage("123456789012.dkr.ecr.us-east-1.amazonaws.com/etl:" + i % 50)
                .withImageID("sha256:" + Long.toHexString(i * 31L) + "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
                .withContainerID("containerd://" + Long.toHexString(i * 17L) + "a1b2c3d4e5f60718293a4b5c6d7e8f90")
                .withNewState().withNewRunning().withStartedAt("2026-01-01T00:00:10Z").endRunning().endState()
                .endContainerStatus()
                .endStatus()
                .build();
    }

    /** An EKS node as the API server returns it, images list included. */
    static Node node(int n) {
        String name = "ip-10-0-" + n / 250 + "-" + n % 250 + ".ec2.internal";
        String id = String.format("i-%017x", n);
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(WellKnown.NODE_GROUP_LABEL, "batch");
        labels.put("kubernetes.io/hostname", name);
        labels.put("kubernetes.io/os", "linux");
        labels.put("kubernetes.io/arch", "amd64");
        labels.put("node.kubernetes.io/instance-type", "m6i.4xlarge");
        labels.put("topology.kubernetes.io/zone", "us-east-1" + "abc".charAt(n % 3));
        labels.put("topology.kubernetes.io/region", "us-east-1");
        labels.put("eks.amazonaws.com/nodegroup", "batch-" + n % 3);
        labels.put("eks.amazonaws.com/capacityType", "ON_DEMAND");
        labels.put("eks.amazonaws.com/nodegroup-image", "ami-0" + Integer.toHexString(n % 5) + "abcdef012345678");
        labels.put("beta.kubernetes.io/instance-type", "m6i.4xlarge");
        labels.put("failure-domain.beta.kubernetes.io/zone", "us-east-1" + "abc".charAt(n % 3));
        List<io.fabric8.kubernetes.api.model.ContainerImage> images = new ArrayList<>();
        for (int img = 0; img < 25; img++) {
            images.add(new ContainerImageBuilder()
                    .withNames("123456789012.dkr.ecr.us-east-1.amazonaws.com/etl@sha256:" + n + "ab" + img,
                            "123456789012.dkr.ecr.us-east-1.amazonaws.com/etl:" + img)
                    .withSizeBytes(400_000_000L + img).build());
        }
        NodeBuilder b = new NodeBuilder()
                .withNewMetadata().withName(name).withUid(n + "-2c9f-4b7e-8e1f-6d5a4c3b2a19")
                .withResourceVersion(String.valueOf(2_000_000 + n)).withCreationTimestamp("2026-01-01T00:00:00Z")
                .withLabels(labels)
                .withAnnotations(Map.of("alpha.kubernetes.io/provided-node-ip", "10.0." + n % 250 + ".1",
                        "node.alpha.kubernetes.io/ttl", "0", "volumes.kubernetes.io/controller-managed-attach-detach", "true"))
                .endMetadata()
                .withNewSpec().withProviderID(ProviderIds.format(ProviderIds.AWS_SCHEME, "us-east-1a", id))
                .addNewTaint().withKey(WellKnown.DEDICATED_TAINT).withValue("batch").withEffect("NoSchedule").endTaint()
                .endSpec()
                .withNewStatus()
                .addToCapacity("cpu", new Quantity("16")).addToCapacity("memory", new Quantity("65023176Ki"))
                .addToCapacity("pods", new Quantity("110")).addToCapacity("ephemeral-storage", new Quantity("83873772Ki"))
                .addToAllocatable("cpu", new Quantity("15890m")).addToAllocatable("memory", new Quantity("64006344Ki"))
                .addToAllocatable("pods", new Quantity("110")).addToAllocatable("ephemeral-storage", new Quantity("76224326324"))
                .addNewCondition().withType("MemoryPressure").withStatus("False").withReason("KubeletHasSufficientMemory")
                .withMessage("kubelet has sufficient memory available").endCondition()
                .addNewCondition().withType("DiskPressure").withStatus("False").withReason("KubeletHasNoDiskPressure")
                .withMessage("kubelet has no disk pressure").endCondition()
                .addNewCondition().withType("PIDPressure").withStatus("False").withReason("KubeletHasSufficientPID")
                .withMessage("kubelet has sufficient PID available").endCondition()
                .addNewCondition().withType("Ready").withStatus("True").withReason("KubeletReady")
                .withMessage("kubelet is posting ready status").endCondition()
                .addNewAddress().withType("InternalIP").withAddress("10.0." + n % 250 + ".1").endAddress()
                .addNewAddress().withType("Hostname").withAddress(name).endAddress()
                .addNewAddress().withType("InternalDNS").withAddress(name).endAddress()
                .withNewNodeInfo().withKubeletVersion("v1.31.2-eks-" + n % 7).withContainerRuntimeVersion("containerd://1.7.22")
                .withKernelVersion("6.1.112-122.189.amzn2023.x86_64").withOsImage("Amazon Linux 2023.6.20241031")
                .withArchitecture("amd64").withOperatingSystem("linux").withMachineID("ec2" + id)
                .withSystemUUID("ec2" + id + "-uuid").withBootID(id + "-boot").endNodeInfo()
                .withImages(images)
                .endStatus();
        return b.build();
    }
}
