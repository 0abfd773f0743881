package io.joblane.scaler.plan;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProviderIdsTest {
    @Test
    void parsesAwsProviderIds() {
        assertThat(ProviderIds.instanceId("aws:///us-east-1a/i-0123456789abcdef0"))
                .isEqualTo("i-0123456789abcdef0");
        assertThat(ProviderIds.instanceId("aws://us-east-1a/i-1")).isEqualTo("i-1");
    }

    @Test
    void readsTheInMemoryForm() {
        assertThat(ProviderIds.instanceId("memory:///zone-a/i-7")).isEqualTo("i-7");
    }

    @Test
    void rejectsWhatIsNotAProviderId() {
        assertThat(ProviderIds.instanceId(null)).isNull();
        assertThat(ProviderIds.instanceId("")).isNull();
        assertThat(ProviderIds.instanceId("i-123")).isNull();
        assertThat(ProviderIds.instanceId("aws:///us-east-1a/")).isNull();
    }

    @Test
    void nodeAnnotationTimestampsSurviveGarbage() {
        assertThat(NodeAnnotations.parse("2026-01-01T00:00:00Z")).isEqualTo(Fixtures.T0);
        assertThat(NodeAnnotations.parse("yesterday")).isNull();
        assertThat(NodeAnnotations.parse(null)).isNull();
    }
}
