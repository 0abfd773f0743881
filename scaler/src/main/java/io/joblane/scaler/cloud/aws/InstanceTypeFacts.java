package io.joblane.scaler.cloud.aws;

import java.util.List;
import java.util.Map;

/**
 * The figures of one EC2 instance type that decide a node's shape, as DescribeInstanceTypes reports them.
 *
 * @param gpus accelerator count per Kubernetes resource name, e.g. {@code nvidia.com/gpu -> 1}
 * @param maxNetworkInterfaces ENIs of the default network card (0 when unknown)
 * @param ipv4PerInterface private IPv4 addresses per ENI (0 when unknown)
 * @param arch the Kubernetes architecture ({@code kubernetes.io/arch}) of its processor, null when none applies
 */
record InstanceTypeFacts(
        String instanceType,
        int vcpus,
        long memoryMiB,
        Map<String, Integer> gpus,
        int maxNetworkInterfaces,
        int ipv4PerInterface,
        String arch) {
    InstanceTypeFacts {
        gpus = Map.copyOf(gpus);
    }

    /** Without a known architecture. */
    InstanceTypeFacts(
            String instanceType,
            int vcpus,
            long memoryMiB,
            Map<String, Integer> gpus,
            int maxNetworkInterfaces,
            int ipv4PerInterface) {
        this(instanceType, vcpus, memoryMiB, gpus, maxNetworkInterfaces, ipv4PerInterface, null);
    }

    /**
     * The Kubernetes name of the architecture EC2's {@code ProcessorInfo.SupportedArchitectures} gives, as Go's
     * GOARCH names it (the kubelet's {@code kubernetes.io/arch}): {@code arm64} for arm64, {@code amd64} for x86_64;
     * null for the rest ({@code i386} alone, the {@code _mac} ones, which run no Kubernetes node).
     */
    static String kubernetesArch(List<String> supported) {
        if (supported.contains("arm64")) {
            return "arm64";
        }
        return supported.contains("x86_64") ? "amd64" : null;
    }
}
