package dev.wordlm.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.Response;
import java.io.UncheckedIOException;

/** Writes a {@link Problem} as the {@code application/problem+json} body of a response. */
@Singleton
public class ProblemResponses {
    private final ObjectMapper mapper;

    public ProblemResponses(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public String json(Problem problem) {
        try {
            return mapper.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Response response(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(json(problem)).build();
    }

    public Response response(ProblemException e) {
        Response response = response(e.problem());
        if (e.retryAfterSeconds() == null) {
            return response;
        }
        return Response.fromResponse(response).header("Retry-After", e.retryAfterSeconds()).build();
    }
}
