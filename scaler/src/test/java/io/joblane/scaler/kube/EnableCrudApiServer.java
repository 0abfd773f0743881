package io.joblane.scaler.kube;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * fabric8's mock API server in CRUD mode, one per test, its client set into the test's {@code KubernetesClient}
 * fields (as {@code @EnableKubernetesMockClient(crud = true)} does), for tests that run informers: the client is
 * closed before the server, and a server that does not finish its shutdown within fabric8's 10 s on a busy machine
 * (the informers' watch connections still closing) is reported, not failed, since the test itself already passed.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(CrudApiServerExtension.class)
public @interface EnableCrudApiServer {}
