package io.joblane.scaler.kube;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes core/v1 Events on the pods and nodes the scaler acts on. A repeat of the same reason and message on the
 * same object within {@link #AGGREGATION_WINDOW} bumps {@code count} and {@code lastTimestamp} of the existing Event
 * (a merge patch) instead of creating another, as kubectl and the kubelet's recorder do, so a pod that waits for
 * an hour yields one Event with a count, not 360. Failures are logged and never stop the loop. Thread-safe.
 */
public final class EventRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
    public static final String COMPONENT = "joblane-scaler";
    static final Duration AGGREGATION_WINDOW = Duration.ofMinutes(30);
    private static final int MAX_REMEMBERED = 4096;
    /** Events of cluster-scoped objects go to the default namespace, as kubectl looks for them there. */
    private static final String CLUSTER_EVENTS_NAMESPACE = "default";

    private record Key(ObjectRef ref, String type, String reason, String message) {}

    private record Seen(String namespace, String name, int count, Instant last) {}

    private final KubernetesClient client;
    private final Clock clock;
    private final String instance;
    private final Map<Key, Seen> seen = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Seen> eldest) {
            return size() > MAX_REMEMBERED;
        }
    };

    public EventRecorder(KubernetesClient client, Clock clock, String instance) {
        this.client = client;
        this.clock = clock;
        this.instance = instance;
    }

    public synchronized void record(ObjectRef ref, String type, String reason, String message) {
        Key key = new Key(ref, type, reason, message);
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Seen before = seen.get(key);
        try {
            if (before != null
                    && Duration.between(before.last(), now).compareTo(AGGREGATION_WINDOW) < 0
                    && bump(before, now)) {
                seen.put(key, new Seen(before.namespace(), before.name(), before.count() + 1, now));
                return;
            }
            Event created = create(ref, type, reason, message, now);
            seen.put(
                    key,
                    new Seen(
                            created.getMetadata().getNamespace(),
                            created.getMetadata().getName(),
                            1,
                            now));
        } catch (KubernetesClientException e) {
            LOG.warn(
                    "event {} on {} {}/{} not recorded: {}",
                    reason,
                    ref.kind(),
                    ref.namespace(),
                    ref.name(),
                    e.getMessage());
        }
    }

    /** Returns false when the Event has expired from the server (TTL, default 1h), so a new one is created. */
    private boolean bump(Seen before, Instant now) {
        String patch = "{\"count\":" + (before.count() + 1) + ",\"lastTimestamp\":\"" + now + "\"}";
        try {
            client.v1()
                    .events()
                    .inNamespace(before.namespace())
                    .withName(before.name())
                    .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }

    private Event create(ObjectRef ref, String type, String reason, String message, Instant now) {
        String namespace = ref.namespace().isEmpty() ? CLUSTER_EVENTS_NAMESPACE : ref.namespace();
        String name =
                ref.name() + "." + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        Event event = new EventBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .endMetadata()
                .withNewInvolvedObject()
                .withApiVersion("v1")
                .withKind(ref.kind())
                .withName(ref.name())
                .withNamespace(ref.namespace().isEmpty() ? null : ref.namespace())
                .withUid(ref.uid().isEmpty() ? null : ref.uid())
                .endInvolvedObject()
                .withType(type)
                .withReason(reason)
                .withMessage(truncate(message))
                .withNewSource()
                .withComponent(COMPONENT)
                .endSource()
                .withReportingComponent(COMPONENT)
                .withReportingInstance(instance)
                .withFirstTimestamp(now.toString())
                .withLastTimestamp(now.toString())
                .withCount(1)
                .build();
        return client.v1().events().inNamespace(namespace).resource(event).create();
    }

    /** The API server rejects messages over 1024 characters. */
    private static String truncate(String message) {
        return message.length() <= 1024 ? message : message.substring(0, 1021) + "...";
    }
}
