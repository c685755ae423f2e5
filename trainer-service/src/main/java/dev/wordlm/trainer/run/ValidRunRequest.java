package dev.wordlm.trainer.run;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The run request describes a trainable run: valid ranges, a known model type and dataset, an available device. */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = RunRequestValidator.class)
public @interface ValidRunRequest {
    String message() default "invalid run request";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
