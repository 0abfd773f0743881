package io.joblane.webhook.admission;

import io.joblane.webhook.mutation.InvalidPodException;
import io.joblane.webhook.mutation.Mutation;
import io.joblane.webhook.mutation.Outcome;
import io.joblane.webhook.mutation.PodMutator;
import java.util.List;

/**
 * Answers one {@code POST /mutate} body: decode, mutate, encode. Pods are allowed, except a Job pod naming a node
 * group that is not configured (denied with the configured names); a body that is not a Pod AdmissionReview gets
 * 400 with the reason. Pure and thread-safe; the HTTP layer calls it per request.
 */
public final class AdmissionReviewer {
    private final PodMutator mutator;
    private final AdmissionCodec.TreeReader reader;

    public AdmissionReviewer(PodMutator mutator) {
        this(mutator, ReviewTreeReader::read);
    }

    /** With another way to read the body, for tests that compare the pruned tree with the full one. */
    AdmissionReviewer(PodMutator mutator, AdmissionCodec.TreeReader reader) {
        this.mutator = mutator;
        this.reader = reader;
    }

    public Answer review(byte[] body) {
        return review(body, 0, body.length);
    }

    /** The answer to the review in {@code body[offset, offset + length)} (the server's buffer, not copied). */
    public Answer review(byte[] body, int offset, int length) {
        AdmissionRequest request;
        try {
            request = AdmissionCodec.decode(body, offset, length, reader);
        } catch (BadRequestException e) {
            return badRequest(null, false, e.getMessage());
        }
        if (!"CREATE".equals(request.operation())) {
            return new Answer(
                    200,
                    AdmissionCodec.allowed(
                            request,
                            com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode(),
                            List.of()),
                    Outcome.SKIPPED,
                    "none",
                    request.dryRun(),
                    0,
                    request.uid(),
                    "operation " + request.operation());
        }
        Mutation mutation;
        try {
            mutation = mutator.mutate(request.object(), request.namespace(), request.username());
        } catch (InvalidPodException e) {
            return badRequest(request.uid(), request.dryRun(), "request.object." + e.getMessage());
        }
        byte[] out = mutation.outcome() == Outcome.REFUSED
                ? AdmissionCodec.denied(request, mutation.denial(), mutation.warnings())
                : AdmissionCodec.allowed(request, mutation.patch(), mutation.warnings());
        return new Answer(
                200,
                out,
                mutation.outcome(),
                mutation.groupLabel(),
                request.dryRun(),
                mutation.conflicts(),
                request.uid(),
                mutation.reason());
    }

    private static Answer badRequest(String uid, boolean dryRun, String reason) {
        return new Answer(
                400, AdmissionCodec.error(400, "BadRequest", reason), Outcome.ERROR, "none", dryRun, 0, uid, reason);
    }
}
