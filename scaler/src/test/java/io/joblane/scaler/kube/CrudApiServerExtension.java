package io.joblane.scaler.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.lang.reflect.Field;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link EnableCrudApiServer}'s lifecycle. */
public final class CrudApiServerExtension implements BeforeEachCallback, AfterEachCallback {
    private static final Logger LOG = LoggerFactory.getLogger(CrudApiServerExtension.class);
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(CrudApiServerExtension.class);

    private record Running(KubernetesMockServer server, KubernetesClient client) {}

    @Override
    public void beforeEach(ExtensionContext context) throws IllegalAccessException {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        KubernetesMockServer server = new KubernetesMockServer(
                new Context(Serialization.jsonMapper()),
                new MockWebServer(),
                responses,
                new KubernetesMixedDispatcher(responses),
                false);
        server.init();
        KubernetesClient client = server.createClient();
        context.getStore(NAMESPACE).put(Running.class, new Running(server, client));
        Object test = context.getRequiredTestInstance();
        for (Class<?> c = test.getClass(); c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (f.getType() == KubernetesClient.class) {
                    f.setAccessible(true);
                    f.set(test, client);
                }
            }
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Running running = context.getStore(NAMESPACE).remove(Running.class, Running.class);
        if (running == null) {
            return;
        }
        running.client().close();
        try {
            running.server().destroy();
        } catch (IllegalStateException slowShutdown) {
            LOG.warn(
                    "mock API server of {} did not shut down in time (busy machine?): {}",
                    context.getDisplayName(),
                    slowShutdown.getMessage());
        }
    }
}
