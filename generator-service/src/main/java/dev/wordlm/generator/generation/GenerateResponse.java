package dev.wordlm.generator.generation;

import java.util.List;

/**
 * The JSON answer of {@code POST /generate}.
 *
 * @param text  the words laid out as {@code generate.py} writes them
 * @param seed  the seed used; send it back to get the same text from the same checkpoint
 * @param model the checkpoint that generated the text
 */
public record GenerateResponse(String text, List<String> words, int count, long seed, ModelTag model, Timings timings) {
}
