package dev.wordlm.problem;

/**
 * One bad input value.
 *
 * @param field   where it is: the JSON path in a body ({@code batchSize}, {@code a.b[2]}), or the name of the query
 *                parameter, form field, part or header; {@code body} for the body as a whole
 * @param message what is wrong with it, for people
 */
public record FieldProblem(String field, String message) {
}
