package dev.wordlm.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wordlm.generation.GenerationOptions;
import dev.wordlm.train.TrainOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The consoles' form fields carry each option's default and range, in the words the API's errors use. */
class FormFieldTest {

    @Test
    void aNumberWithAHalfOpenRange() {
        FormField dropout = FormField.of(TrainOptions.DROPOUT);
        assertEquals("number", dropout.input());
        assertEquals("0.2", dropout.value());
        assertEquals("0", dropout.min(), "the included lower end");
        assertEquals("", dropout.max(), "an excluded end is not a spinner bound");
        assertEquals("any", dropout.step());
        assertEquals("must be in [0, 1)", dropout.range());
        assertTrue(TrainOptions.DROPOUT.bounds().problem(1.5, false).orElseThrow().startsWith(dropout.range()),
                "the form says what the API's error says");
    }

    @Test
    void wholeNumbersChoicesAndFlags() {
        FormField nlayers = FormField.of(TrainOptions.NLAYERS);
        assertEquals(List.of("1", "16", "1"), List.of(nlayers.min(), nlayers.max(), nlayers.step()));
        assertEquals("must be between 1 and 16", nlayers.range());

        FormField model = FormField.of(TrainOptions.MODEL);
        assertEquals("select", model.input());
        assertEquals("LSTM", model.value());
        assertTrue(model.choices().containsAll(List.of("LSTM", "GRU")), model.choices().toString());

        FormField tied = FormField.of(TrainOptions.TIED);
        assertEquals("checkbox", tied.input());
        assertFalse(tied.checked());
        assertEquals("", FormField.of(TrainOptions.SEED).range(), "any seed goes");
    }

    @Test
    void everyOptionBecomesOneFieldInOrder() {
        assertEquals(TrainOptions.ALL.stream().map(Hyperparameter::name).toList(),
                FormField.of(TrainOptions.ALL).stream().map(FormField::name).toList());
        assertEquals("has to be greater or equal 1e-3 and at most 1000", FormField.of(GenerationOptions.TEMPERATURE).range());
        assertEquals("must be in (0, 1]", FormField.of(GenerationOptions.TOP_P).range());
    }
}
