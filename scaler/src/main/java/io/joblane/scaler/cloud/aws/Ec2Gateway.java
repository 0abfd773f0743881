package io.joblane.scaler.cloud.aws;

import io.joblane.model.WellKnown;
import io.joblane.scaler.cloud.CloudException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeInstanceTypesResponse;
import software.amazon.awssdk.services.ec2.model.GpuDeviceInfo;
import software.amazon.awssdk.services.ec2.model.InstanceTypeInfo;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateVersion;
import software.amazon.awssdk.services.ec2.model.NetworkCardInfo;
import software.amazon.awssdk.services.ec2.model.NetworkInfo;

/**
 * The two read-only EC2 calls a node template needs, over the SDK's EC2 client: DescribeInstanceTypes and
 * DescribeLaunchTemplateVersions. Failures become {@link CloudException}s as the Auto Scaling ones do. Called from
 * the loop's thread.
 */
final class Ec2Gateway implements AutoCloseable {

    /** The documented maximum of instance types per DescribeInstanceTypes call. */
    static final int TYPES_PER_CALL = 100;

    private static final Map<String, String> GPU_RESOURCES =
            Map.of("NVIDIA", WellKnown.RESOURCE_NVIDIA_GPU, "AMD", "amd.com/gpu");

    private final Ec2Client client;

    Ec2Gateway(Ec2Client client) {
        this.client = client;
    }

    /** The facts of each named type EC2 knows; a type it does not know is absent. */
    Map<String, InstanceTypeFacts> instanceTypes(List<String> types) throws CloudException {
        Map<String, InstanceTypeFacts> out = new LinkedHashMap<>();
        for (int from = 0; from < types.size(); from += TYPES_PER_CALL) {
            List<String> batch = types.subList(from, Math.min(types.size(), from + TYPES_PER_CALL));
            String token = null;
            do {
                String next = token;
                DescribeInstanceTypesResponse page;
                try {
                    page = client.describeInstanceTypes(
                            r -> r.instanceTypesWithStrings(batch).nextToken(next));
                } catch (SdkException e) {
                    throw AwsErrors.classify("DescribeInstanceTypes", e);
                }
                page.instanceTypes().forEach(t -> out.put(t.instanceTypeAsString(), facts(t)));
                token = page.nextToken();
            } while (token != null && !token.isEmpty());
        }
        return out;
    }

    /** The instance type a launch template version names, empty when it names none (e.g. attribute-based). */
    Optional<String> launchTemplateInstanceType(AsgInstanceTypes.LaunchTemplateRef ref) throws CloudException {
        List<LaunchTemplateVersion> versions;
        try {
            versions = client.describeLaunchTemplateVersions(r -> {
                        if (ref.id() != null) {
                            r.launchTemplateId(ref.id());
                        } else {
                            r.launchTemplateName(ref.name());
                        }
                        r.versions(ref.version());
                    })
                    .launchTemplateVersions();
        } catch (SdkException e) {
            throw AwsErrors.classify("DescribeLaunchTemplateVersions " + ref.describe(), e);
        }
        return versions.stream()
                .findFirst()
                .map(v -> v.launchTemplateData() == null
                        ? null
                        : v.launchTemplateData().instanceTypeAsString())
                .filter(t -> !t.isBlank() && !"null".equals(t));
    }

    @Override
    public void close() {
        client.close();
    }

    private static InstanceTypeFacts facts(InstanceTypeInfo t) {
        int vcpus = t.vCpuInfo() == null || t.vCpuInfo().defaultVCpus() == null
                ? 0
                : t.vCpuInfo().defaultVCpus();
        long memory = t.memoryInfo() == null || t.memoryInfo().sizeInMiB() == null
                ? 0
                : t.memoryInfo().sizeInMiB();
        NetworkInfo net = t.networkInfo();
        int ips = net == null || net.ipv4AddressesPerInterface() == null ? 0 : net.ipv4AddressesPerInterface();
        List<String> archs =
                t.processorInfo() == null ? List.of() : t.processorInfo().supportedArchitecturesAsStrings();
        return new InstanceTypeFacts(
                t.instanceTypeAsString(),
                vcpus,
                memory,
                gpus(t),
                interfaces(net),
                ips,
                InstanceTypeFacts.kubernetesArch(archs));
    }

    private static Map<String, Integer> gpus(InstanceTypeInfo t) {
        Map<String, Integer> gpus = new HashMap<>();
        if (t.gpuInfo() != null) {
            for (GpuDeviceInfo gpu : t.gpuInfo().gpus()) {
                String resource = GPU_RESOURCES.get(
                        gpu.manufacturer() == null ? "" : gpu.manufacturer().toUpperCase());
                if (resource != null && gpu.count() != null) {
                    gpus.merge(resource, gpu.count(), Integer::sum);
                }
            }
        }
        return gpus;
    }

    /** ENIs of the default network card: multi-card types count only it, as the EKS AMI does. */
    private static int interfaces(NetworkInfo net) {
        if (net == null) {
            return 0;
        }
        int enis = net.maximumNetworkInterfaces() == null ? 0 : net.maximumNetworkInterfaces();
        int defaultCard = net.defaultNetworkCardIndex() == null ? 0 : net.defaultNetworkCardIndex();
        for (NetworkCardInfo card : net.networkCards()) {
            if (card.networkCardIndex() != null
                    && card.networkCardIndex() == defaultCard
                    && card.maximumNetworkInterfaces() != null) {
                enis = card.maximumNetworkInterfaces();
            }
        }
        return enis;
    }
}
