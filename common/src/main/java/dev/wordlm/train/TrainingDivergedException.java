package dev.wordlm.train;

/** The loss became NaN or infinite: training on it would only spread NaN through the weights. */
public class TrainingDivergedException extends RuntimeException {
    public TrainingDivergedException(String message) {
        super(message);
    }
}
