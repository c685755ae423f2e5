package dev.wordlm.generator.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Reads what the trainer writes (REST records and Kafka events). Lenient on purpose, unlike this service's own
 * request bodies: the trainer may add fields, and an older generator must keep working with a newer trainer.
 */
@ApplicationScoped
public class TrainerJson {
    private final ObjectMapper mapper = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    public ObjectMapper mapper() {
        return mapper;
    }
}
