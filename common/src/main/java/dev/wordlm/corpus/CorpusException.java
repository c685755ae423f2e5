package dev.wordlm.corpus;

/** A corpus directory that cannot be used: a missing, empty or undecodable file. */
public class CorpusException extends RuntimeException {
    public CorpusException(String message) {
        super(message);
    }

    public CorpusException(String message, Throwable cause) {
        super(message, cause);
    }
}
