package dev.wordlm.trainer.training;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The runs this process is handling. A run is reserved before its lease is claimed, so two deliveries of one request
 * to two local consumers can never both train it.
 */
@ApplicationScoped
public class LocalRuns {
    private final Set<UUID> reserved = ConcurrentHashMap.newKeySet();
    private final Map<UUID, TrainingSession> sessions = new ConcurrentHashMap<>();

    /** False when another thread of this process already handles the run. */
    boolean reserve(UUID runId) {
        return reserved.add(runId);
    }

    void unreserve(UUID runId) {
        reserved.remove(runId);
    }

    void attach(TrainingSession session) {
        sessions.put(session.runId(), session);
    }

    void detach(TrainingSession session) {
        sessions.remove(session.runId(), session);
    }

    public Optional<TrainingSession> session(UUID runId) {
        return Optional.ofNullable(sessions.get(runId));
    }

    public Collection<TrainingSession> sessions() {
        return List.copyOf(sessions.values());
    }
}
