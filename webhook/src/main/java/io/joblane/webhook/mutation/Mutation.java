package io.joblane.webhook.mutation;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.List;

/**
 * The decision for one pod: the outcome, the group (null when none applies), the RFC 6902 patch (empty
 * unless mutated), the warnings the user sees in kubectl, how many user-set values were kept against the
 * group's wish, a short reason for logs, and for {@link Outcome#REFUSED} the denial message.
 */
public record Mutation(
        Outcome outcome, String group, ArrayNode patch, List<String> warnings, int conflicts, String reason) {
    public Mutation {
        warnings = List.copyOf(warnings);
    }

    /** The group metric label: a configured group's name, "unknown" for a name not in the file, else "none". */
    public String groupLabel() {
        return group == null ? "none" : group;
    }

    /** For a refused pod: why, as the API server shows it to the Job controller ({@code kubectl describe job}). */
    public String denial() {
        return outcome == Outcome.REFUSED ? reason : null;
    }
}
