package dev.wordlm.corpus;

import java.nio.file.Path;

/** A corpus directory that cannot be used: a missing, empty or undecodable file. */
public class CorpusException extends RuntimeException {
    private final String reason;

    public CorpusException(String message) {
        this(message, (Throwable) null);
    }

    public CorpusException(String message, Throwable cause) {
        super(message, cause);
        this.reason = null;
    }

    /** A file that cannot be a split: the message is the file, then the reason. */
    CorpusException(Path file, String reason, Throwable cause) {
        super(file + " " + reason, cause);
        this.reason = reason;
    }

    /** Why the file cannot be a split, without its name, as {@link Corpus#problem} gives it; null otherwise. */
    String reason() {
        return reason;
    }
}
