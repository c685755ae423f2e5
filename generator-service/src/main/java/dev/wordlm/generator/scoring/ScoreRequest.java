package dev.wordlm.generator.scoring;

/** The JSON body of {@code POST /api/score}: a text, lines separated by line breaks (each line end counts as {@code <eos>}). */
public record ScoreRequest(String text) {
}
