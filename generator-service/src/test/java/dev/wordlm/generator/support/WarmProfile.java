package dev.wordlm.generator.support;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/** A broker, and a trainer that already has one trained checkpoint: the application serves it from start-up. */
public class WarmProfile implements QuarkusTestProfile {
    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(KafkaBrokerResource.class),
                new TestResourceEntry(FakeTrainerResource.class, Map.of(FakeTrainerResource.INITIAL, "trained")));
    }
}
