package dev.wordlm.trainer.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;

/**
 * JSON for what the service stores and sends (events, configurations in jsonb columns). Reading is lenient about
 * unknown fields, unlike the REST API: data written by a newer version must still be readable.
 */
@ApplicationScoped
public class JsonCodec {
    private final ObjectMapper writer;
    private final ObjectMapper reader;

    public JsonCodec(ObjectMapper mapper) {
        this.writer = mapper;
        this.reader = mapper.copy().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    public String write(Object value) {
        try {
            return writer.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    public <T> T read(String json, Class<T> type) {
        try {
            return reader.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot read " + type.getSimpleName() + " from JSON", e);
        }
    }

    /** Parses any JSON; malformed input gives a {@link JsonProcessingException}. */
    public JsonNode tree(String json) throws JsonProcessingException {
        return reader.readTree(json);
    }
}
