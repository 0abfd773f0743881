package io.joblane.scaler.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ResourcesTest {
    private static final Resources REQUESTS =
            Resources.ofMillis(Map.of("cpu", 1500L, "memory", 2048L, "nvidia.com/gpu", 1000L));

    @Test
    void aNameIsFoundWhetherOrNotItIsTheInternedString() {
        // Guards the lookup by reference: a name built at run time (not the interned one) must still be found.
        String built = new StringBuilder("nvidia.com/").append("gpu").toString();
        assertThat(built).isNotSameAs("nvidia.com/gpu");

        assertThat(REQUESTS.get("nvidia.com/gpu")).isEqualTo(1000);
        assertThat(REQUESTS.get(built)).isEqualTo(1000);
        assertThat(REQUESTS.get(new String("cpu"))).isEqualTo(1500);
    }

    @Test
    void anAbsentNameIsZero() {
        assertThat(REQUESTS.get("ephemeral-storage")).isZero();
        assertThat(REQUESTS.get(new String("pods"))).isZero();
        assertThat(Resources.ZERO.get("cpu")).isZero();
    }
}
