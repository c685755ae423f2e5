package dev.wordlm.deploy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The mapping keys a deployment may set, read from the services' own configuration interfaces. */
class ConfigMappingKeysTest {
    @Test
    void theMappingsKeysAreReadWithTheirGroups() {
        Set<String> trainer = ServiceConfig.TRAINER.mappedKeys();
        for (String key : new String[] {"wordlm.trainer.concurrency", "wordlm.retention.hold-duration",
                "wordlm.datasets.upload-quota", "wordlm.data-root", "wordlm.auth.reads", "wordlm.http.max-body-size"}) {
            assertTrue(trainer.contains(key), key + " in " + trainer);
        }
        assertFalse(trainer.contains("wordlm.base-url"), "a default method is no key: " + trainer);
        assertFalse(trainer.contains("wordlm.retention"), "a group is no key: " + trainer);
        Set<String> generator = ServiceConfig.GENERATOR.mappedKeys();
        for (String key : new String[] {"wordlm.model.selection", "wordlm.model.hold-renewal",
                "wordlm.generation.max-words", "wordlm.score.max-chars", "wordlm.console.trainer-url"}) {
            assertTrue(generator.contains(key), key + " in " + generator);
        }
        assertFalse(generator.contains("wordlm.trainer.concurrency"), "the trainer's keys are not the generator's");
    }
}
