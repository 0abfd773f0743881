package io.joblane.scaler.kube;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.joblane.model.WellKnown;

/** Builders for the nodes and pods the CRUD tests put into the mock API server. */
public final class KubeFixtures {
    private KubeFixtures() {}

    public static Node node(String name, String group, String instanceId) {
        return new NodeBuilder()
                .withNewMetadata()
                .withName(name)
                .addToLabels(WellKnown.NODE_GROUP_LABEL, group)
                .addToLabels("kubernetes.io/os", "linux")
                .addToAnnotations("node.alpha.kubernetes.io/ttl", "0")
                .endMetadata()
                .withNewSpec()
                .withProviderID("aws:///us-east-1a/" + instanceId)
                .addNewTaint()
                .withKey(WellKnown.DEDICATED_TAINT)
                .withValue(group)
                .withEffect("NoSchedule")
                .endTaint()
                .endSpec()
                .withNewStatus()
                .addToAllocatable("cpu", new Quantity("16"))
                .addToAllocatable("memory", new Quantity("64Gi"))
                .addToAllocatable("pods", new Quantity("110"))
                .addNewCondition()
                .withType("Ready")
                .withStatus("True")
                .endCondition()
                .addNewCondition()
                .withType("MemoryPressure")
                .withStatus("False")
                .endCondition()
                .addNewImage()
                .addToNames("registry.example/big:1")
                .withSizeBytes(1L << 30)
                .endImage()
                .endStatus()
                .build();
    }

    /** A Job pod of {@code group}; bound to {@code nodeName} and Running when it is not null, else Pending. */
    public static Pod jobPod(String namespace, String name, String group, String nodeName, String cpu) {
        PodBuilder b = new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .addToLabels(WellKnown.NODE_GROUP_LABEL, group)
                .addToLabels(WellKnown.JOB_NAME_LABEL, name)
                .addToAnnotations(WellKnown.SAFE_TO_EVICT_ANNOTATION, "false")
                .addToAnnotations("kubectl.kubernetes.io/last-applied-configuration", "{\"big\":\"blob\"}")
                .addNewOwnerReference()
                .withApiVersion("batch/v1")
                .withKind("Job")
                .withName(name)
                .withUid("uid-" + name)
                .withController(true)
                .endOwnerReference()
                .endMetadata()
                .withNewSpec()
                .withNodeName(nodeName)
                .addToNodeSelector(WellKnown.NODE_GROUP_LABEL, group)
                .addNewContainer()
                .withName("main")
                .withImage("busybox")
                .addNewEnv()
                .withName("X")
                .withValue("y")
                .endEnv()
                .withNewResources()
                .addToRequests("cpu", new Quantity(cpu))
                .addToRequests("memory", new Quantity("1Gi"))
                .endResources()
                .endContainer()
                .endSpec();
        if (nodeName == null) {
            b.withNewStatus()
                    .withPhase("Pending")
                    .addNewCondition()
                    .withType("PodScheduled")
                    .withStatus("False")
                    .withReason("Unschedulable")
                    .endCondition()
                    .endStatus();
        } else {
            b.withNewStatus()
                    .withPhase("Running")
                    .addNewCondition()
                    .withType("PodScheduled")
                    .withStatus("True")
                    .endCondition()
                    .addNewContainerStatus()
                    .withName("main")
                    .withReady(true)
                    .endContainerStatus()
                    .endStatus();
        }
        return b.build();
    }

    /** The bound pod {@code p} Succeeded: its container terminated at {@code finishedAt}. */
    public static Pod succeeded(Pod p, String finishedAt) {
        p.getStatus().setPhase("Succeeded");
        p.getStatus()
                .getContainerStatuses()
                .get(0)
                .setState(new ContainerStateBuilder()
                        .withNewTerminated()
                        .withExitCode(0)
                        .withFinishedAt(finishedAt)
                        .endTerminated()
                        .build());
        return p;
    }
}
