package dev.wordlm.trainer.api;

import dev.wordlm.problem.Echo;
import dev.wordlm.problem.FieldProblem;
import dev.wordlm.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Path;
import jakarta.validation.Validator;
import jakarta.ws.rs.core.UriInfo;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Runs Bean Validation on a request body and reports every violation as a field error (400); parses integer query
 * parameters the same way.
 */
@ApplicationScoped
public class RequestValidation {
    private final Validator validator;

    public RequestValidation(Validator validator) {
        this.validator = validator;
    }

    public void check(Object body) {
        Set<ConstraintViolation<Object>> violations = validator.validate(body);
        if (violations.isEmpty()) {
            return;
        }
        List<FieldProblem> errors = violations.stream()
                .map(v -> new FieldProblem(field(v.getPropertyPath()), v.getMessage()))
                .sorted(Comparator.comparing(FieldProblem::field))
                .toList();
        throw ProblemException.invalid(errors);
    }

    /**
     * An integer query parameter in {@code [min, max]}, surrounding blanks ignored.
     *
     * @throws ProblemException naming {@code name} when the value is not such an integer
     */
    public static int intParam(String name, String value, int min, int max) {
        try {
            int v = Integer.parseInt(value == null ? "" : value.trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        String range = max == Integer.MAX_VALUE ? "an integer >= " + min : "an integer between " + min + " and " + max;
        throw ProblemException.invalid(name, "must be " + range + ", got " + Echo.of(value));
    }

    /**
     * Refuses query parameters other than {@code known} (a typo such as {@code sise=5} would otherwise be ignored) and
     * any given twice.
     */
    public static void onlyParams(UriInfo uri, Set<String> known) {
        List<FieldProblem> errors = new java.util.ArrayList<>();
        uri.getQueryParameters().forEach((name, values) -> {
            if (!known.contains(name)) {
                errors.add(new FieldProblem(Echo.of(name).replace("'", ""), "unknown parameter; known: "
                        + String.join(", ", new java.util.TreeSet<>(known))));
            } else if (values.size() > 1) {
                errors.add(new FieldProblem(name, "is given " + values.size() + " times; give it once"));
            }
        });
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
    }

    private static String field(Path path) {
        String name = "body";
        for (Path.Node node : path) {
            if (node.getName() != null) {
                name = node.getName();
            }
        }
        return name;
    }
}
