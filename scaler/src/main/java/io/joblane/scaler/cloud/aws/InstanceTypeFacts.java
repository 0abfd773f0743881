package io.joblane.scaler.cloud.aws;

import java.util.Map;

/**
 * The figures of one EC2 instance type that decide a node's shape, as DescribeInstanceTypes reports them.
 *
 * @param gpus accelerator count per Kubernetes resource name, e.g. {@code nvidia.com/gpu -> 1}
 * @param maxNetworkInterfaces ENIs of the default network card (0 when unknown)
 * @param ipv4PerInterface private IPv4 addresses per ENI (0 when unknown)
 */
record InstanceTypeFacts(
        String instanceType,
        int vcpus,
        long memoryMiB,
        Map<String, Integer> gpus,
        int maxNetworkInterfaces,
        int ipv4PerInterface) {
    InstanceTypeFacts {
        gpus = Map.copyOf(gpus);
    }
}
