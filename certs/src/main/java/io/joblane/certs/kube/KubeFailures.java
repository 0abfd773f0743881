package io.joblane.certs.kube;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.joblane.certs.CertsException;

/** Turns API-server errors into messages that name the object and the missing permission or object. */
public final class KubeFailures {
    private KubeFailures() {}

    /** @param action what was attempted, e.g. "update Secret joblane/joblane-webhook-tls" */
    public static CertsException translate(KubernetesClientException e, String action) {
        int code = e.getCode();
        if (code <= 0) {
            return new CertsException(
                    CertsException.FAILED, "cannot reach the Kubernetes API to " + action + ": " + rootMessage(e), e);
        }
        String detail = e.getStatus() != null && e.getStatus().getMessage() != null
                ? e.getStatus().getMessage()
                : e.getMessage();
        return switch (code) {
            case 403 ->
                new CertsException(
                        CertsException.FORBIDDEN,
                        "forbidden: not allowed to " + action + " (check the service account's RBAC): " + detail,
                        e);
            case 401 ->
                new CertsException(
                        CertsException.FORBIDDEN,
                        "unauthorized: cannot " + action + " (credentials rejected): " + detail,
                        e);
            case 404 -> new CertsException(CertsException.NOT_FOUND, "not found: cannot " + action + ": " + detail, e);
            case 409 ->
                new CertsException(
                        CertsException.CONFLICT, "conflict: cannot " + action + ", it changed meanwhile: " + detail, e);
            default ->
                new CertsException(CertsException.FAILED, "cannot " + action + " (HTTP " + code + "): " + detail, e);
        };
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
