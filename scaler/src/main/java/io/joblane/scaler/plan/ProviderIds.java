package io.joblane.scaler.plan;

/**
 * Maps a node's {@code spec.providerID} to its cloud instance id: {@code aws:///us-east-1a/i-0abc} gives
 * {@code i-0abc}; the in-memory provider uses the same shape with scheme {@code memory}.
 */
public final class ProviderIds {
    private ProviderIds() {}

    /** The instance id, or null when the providerID is missing or not of the form {@code <scheme>:///<zone>/<id>}. */
    public static String instanceId(String providerId) {
        if (providerId == null) {
            return null;
        }
        int sep = providerId.indexOf("://");
        if (sep <= 0) {
            return null;
        }
        String path = providerId.substring(sep + 3);
        int slash = path.lastIndexOf('/');
        String id = slash < 0 ? path : path.substring(slash + 1);
        return id.isEmpty() ? null : id;
    }
}
