package dev.wordlm.openapi;

import dev.wordlm.options.Bounds;
import dev.wordlm.options.Hyperparameter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;

/**
 * An option's default, range, choices and help as OpenAPI schema keywords, so the documents of both services come from
 * the same option lists as the CLI and the validation ({@code TrainOptions}, {@code GenerationOptions}).
 */
public final class OptionSchemas {
    private OptionSchemas() {
    }

    /** Fills in {@code p} (a property or parameter schema) from {@code h}; a description already there is kept. */
    public static Schema describe(Schema p, Hyperparameter<?, ?, ?> h) {
        p.setDefaultValue(h.defaultValue() instanceof Enum<?> e ? e.name() : h.defaultValue());
        if (p.getDescription() == null) {
            p.setDescription(h.help());
        }
        if (!h.kind().choices().isEmpty()) {
            p.setEnumeration(new ArrayList<>(h.kind().choices()));
        }
        Bounds b = h.bounds();
        if (b.min() != null) {
            if (b.minExcluded()) {
                p.setExclusiveMinimum(BigDecimal.valueOf(b.min()));
            } else {
                p.setMinimum(BigDecimal.valueOf(b.min()));
            }
        }
        if (b.max() != null) {
            if (b.maxExcluded()) {
                p.setExclusiveMaximum(BigDecimal.valueOf(b.max()));
            } else {
                p.setMaximum(BigDecimal.valueOf(b.max()));
            }
        }
        return p;
    }

    /** A schema of the option's type, described. */
    public static Schema schema(Hyperparameter<?, ?, ?> h) {
        Schema.SchemaType type = switch (h.kind().schemaType()) {
            case "integer" -> Schema.SchemaType.INTEGER;
            case "number" -> Schema.SchemaType.NUMBER;
            case "boolean" -> Schema.SchemaType.BOOLEAN;
            default -> Schema.SchemaType.STRING;
        };
        return describe(OASFactory.createSchema().type(List.of(type)), h);
    }

    /** The option as a query parameter. */
    public static Parameter queryParameter(Hyperparameter<?, ?, ?> h) {
        return OASFactory.createParameter().name(h.name()).in(Parameter.In.QUERY).description(h.help())
                .schema(schema(h));
    }

    /** Describes each property of {@code properties} that names one of {@code options}. */
    public static void describeProperties(Map<String, Schema> properties, List<? extends Hyperparameter<?, ?, ?>> options) {
        if (properties == null) {
            return;
        }
        for (Hyperparameter<?, ?, ?> h : options) {
            Schema p = properties.get(h.name());
            if (p != null) {
                describe(p, h);
            }
        }
    }
}
