package io.joblane.certs.x509;

import java.util.List;

/**
 * What one {@code rotate} run found and must do, in order. Made by {@link RotationPlanner}; the Kubernetes
 * adapter executes the steps one after the other and stops at the first failure.
 *
 * @param found the rotation state derived from the stored material and the published bundle
 * @param steps the writes, in the order that keeps the served certificate trusted
 * @param summary one line for the user: what happens now and what the next run will do
 */
public record RotationPlan(State found, List<Step> steps, String summary) {
    /** Where a rotation stands, derived only from the Secret and the webhook configuration. */
    public enum State {
        /** No usable serving certificate (missing, broken, expired): there is no trust to preserve, fix it now. */
        BOOTSTRAP,
        /** One CA in the bundle, which signed the serving certificate. */
        STABLE,
        /** Two CAs [old, new]; the serving certificate is still the old CA's. Next: switch the leaf. */
        NEW_CA_PUBLISHED,
        /** Two CAs [old, new]; the serving certificate is the new CA's. Next: drop the old CA. */
        LEAF_SWITCHED,
        /** A bundle this tool does not write (more CAs, another order): start over from the serving certificate's CA. */
        UNEXPECTED_BUNDLE
    }

    /** One write. */
    public sealed interface Step {
        String why();
    }

    /** Replace the whole stored material in one write. */
    public record WriteStore(StoredMaterial material, String why) implements Step {}

    /** Put this CA bundle into every webhook entry's caBundle. */
    public record PublishBundle(String caPem, String why) implements Step {}
}
