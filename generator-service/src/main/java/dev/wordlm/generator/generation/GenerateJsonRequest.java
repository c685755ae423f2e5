package dev.wordlm.generator.generation;

/**
 * The JSON body of {@code POST /generate}. Every field is optional; absent ones take {@code generate.py}'s defaults.
 * Unknown fields and values of the wrong type are rejected (400).
 */
public record GenerateJsonRequest(String prompt, Integer words, Double temperature, Long seed, Integer topK, Double topP) {
}
