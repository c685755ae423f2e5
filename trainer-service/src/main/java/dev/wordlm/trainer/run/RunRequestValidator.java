package dev.wordlm.trainer.run;

import dev.wordlm.trainer.dataset.DatasetCatalog;
import dev.wordlm.trainer.training.DeviceSelector;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Checks a {@link RunRequest} with the same rules and messages as the CLI ({@link RunRequest#problems()}), plus
 * what only the service knows: which datasets exist and whether a GPU is available. Each problem becomes a violation
 * on its own field.
 */
@ApplicationScoped
public class RunRequestValidator implements ConstraintValidator<ValidRunRequest, RunRequest> {
    private final DatasetCatalog datasets;
    private final DeviceSelector devices;

    public RunRequestValidator(DatasetCatalog datasets, DeviceSelector devices) {
        this.datasets = datasets;
        this.devices = devices;
    }

    @Override
    public boolean isValid(RunRequest request, ConstraintValidatorContext context) {
        if (request == null) {
            return true;
        }
        Map<String, String> problems = new LinkedHashMap<>();
        datasets.problem(request.dataset()).ifPresent(p -> problems.put("dataset", p));
        request.problems().forEach(problems::putIfAbsent);
        devices.problem(request.cuda()).ifPresent(p -> problems.put("cuda", p));
        if (problems.isEmpty()) {
            return true;
        }
        context.disableDefaultConstraintViolation();
        problems.forEach((field, message) -> context.buildConstraintViolationWithTemplate(escape(message))
                .addPropertyNode(field)
                .addConstraintViolation());
        return false;
    }

    /** The messages are literal text, not templates: user input in them must not be interpolated. */
    private static String escape(String message) {
        return message.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}").replace("$", "\\$");
    }
}
