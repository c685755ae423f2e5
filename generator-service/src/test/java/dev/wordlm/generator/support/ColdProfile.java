package dev.wordlm.generator.support;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/**
 * A broker and a trainer that is down and empty at start-up; one worker and a queue of one request, so that a
 * second request is refused while one runs.
 */
public class ColdProfile implements QuarkusTestProfile {
    public static final int MAX_WORDS = 1_000_000;

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(KafkaBrokerResource.class),
                new TestResourceEntry(FakeTrainerResource.class, Map.of(FakeTrainerResource.INITIAL, "none")));
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("wordlm.generation.queue-capacity", "1",
                "wordlm.generation.threads", "1",
                "wordlm.generation.max-words", Integer.toString(MAX_WORDS));
    }
}
