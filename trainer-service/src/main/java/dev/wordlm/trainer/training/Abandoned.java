package dev.wordlm.trainer.training;

/**
 * Thrown on the training thread to stop a run that this trainer must leave unfinished (not a failure of the run): it
 * stays RUNNING and continues later, here or on another trainer, from its last epoch checkpoint.
 */
public class Abandoned extends RuntimeException {

    public enum Reason {
        /** This process is shutting down; the lease is released so another trainer can take the run over at once. */
        SHUTDOWN,
        /** Another trainer took the run over (this one was presumed dead): stop without touching its state. */
        LEASE_LOST,
        /** The database cannot be reached: progress can no longer be recorded; retry when it is back. */
        STORE_UNAVAILABLE
    }

    private final Reason reason;

    public Abandoned(Reason reason, Throwable cause) {
        super("training abandoned: " + reason + (cause == null ? "" : " (" + cause.getMessage() + ")"), cause);
        this.reason = reason;
    }

    public Abandoned(Reason reason) {
        this(reason, null);
    }

    /**
     * Runs a database write of the training thread. A database failure stops the run here without failing it: it is
     * retried, and resumed, once the database is back.
     */
    public static <T> T recording(java.util.function.Supplier<T> write) {
        try {
            return write.get();
        } catch (Abandoned a) {
            throw a;
        } catch (RuntimeException e) {
            throw new Abandoned(Reason.STORE_UNAVAILABLE, e);
        }
    }

    public Reason reason() {
        return reason;
    }
}
