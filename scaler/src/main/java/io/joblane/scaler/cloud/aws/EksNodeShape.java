package io.joblane.scaler.cloud.aws;

import io.joblane.model.Quantity;
import io.joblane.model.WellKnown;
import io.joblane.scaler.cloud.NodeTemplate;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The allocatable of a new EKS node of one instance type, estimated the way the EKS AMI configures its kubelet
 * (https://github.com/awslabs/amazon-eks-ami, {@code nodeadm/internal/kubelet}): max pods from the ENI formula
 * {@code ENIs * (IPv4 per ENI - 1) + 2} ({@code maxpods/maxpods.go}), kube-reserved memory {@code 11 MiB * maxPods
 * + 255 MiB} and CPU 6% of the first core, 1% of the second, 0.5% of the next two, 0.25% above four
 * ({@code config.go}), and the kubelet's default hard eviction threshold {@code memory.available<100Mi}. The
 * group's {@code node-template/resources/<name>} tags replace the estimate per resource ({@code pods} also feeds
 * the memory reserve, as the kubelet's real max pods would). Pure.
 */
final class EksNodeShape {

    /** The kubelet's default max pods, used when the ENI figures are unknown. */
    static final int KUBELET_DEFAULT_MAX_PODS = 110;

    static final long EVICTION_HARD_MIB = 100;

    private EksNodeShape() {}

    /** The EKS AMI's default max pods for an instance type: {@code ENIs * (IPv4 per ENI - 1) + 2}. */
    static int eniMaxPods(int networkInterfaces, int ipv4PerInterface) {
        if (networkInterfaces <= 0 || ipv4PerInterface <= 1) {
            return KUBELET_DEFAULT_MAX_PODS;
        }
        return networkInterfaces * (ipv4PerInterface - 1) + 2;
    }

    /** kube-reserved CPU in millicores for a node with this many millicores. */
    static long reservedCpuMillis(long totalMillis) {
        long[] bounds = {0, 1000, 2000, 4000, Long.MAX_VALUE};
        long[] perTenThousand = {600, 100, 50, 25};
        long reserved = 0;
        for (int i = 0; i < perTenThousand.length; i++) {
            if (totalMillis > bounds[i]) {
                reserved += (Math.min(totalMillis, bounds[i + 1]) - bounds[i]) * perTenThousand[i] / 10000;
            }
        }
        return reserved;
    }

    /** kube-reserved memory in MiB for a node running at most {@code maxPods} pods. */
    static long reservedMemoryMiB(long maxPods) {
        return 11 * maxPods + 255;
    }

    /** The shape of a new node of {@code type}, with the group's resource tags applied. */
    static NodeTemplate.Shape of(InstanceTypeFacts type, Map<String, String> resourceTags) {
        String podsTag = resourceTags.get(WellKnown.RESOURCE_PODS);
        long maxPods = podsTag != null
                ? Quantity.toMillis(podsTag) / 1000
                : eniMaxPods(type.maxNetworkInterfaces(), type.ipv4PerInterface());
        long cpu = type.vcpus() * 1000L;
        long memoryMiB = type.memoryMiB() - reservedMemoryMiB(maxPods) - EVICTION_HARD_MIB;
        Map<String, Long> shape = new LinkedHashMap<>();
        shape.put(WellKnown.RESOURCE_CPU, Math.max(0, cpu - reservedCpuMillis(cpu)));
        shape.put(WellKnown.RESOURCE_MEMORY, Math.max(0, memoryMiB) * Quantity.MI);
        shape.put(WellKnown.RESOURCE_PODS, maxPods * 1000);
        type.gpus().forEach((resource, count) -> shape.put(resource, count * 1000L));
        resourceTags.forEach((resource, quantity) -> shape.put(resource, Quantity.toMillis(quantity)));
        shape.values().removeIf(v -> v == 0);
        return new NodeTemplate.Shape(type.instanceType(), shape);
    }
}
