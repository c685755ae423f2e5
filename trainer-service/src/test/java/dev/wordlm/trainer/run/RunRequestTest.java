package dev.wordlm.trainer.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wordlm.train.TrainConfig;
import dev.wordlm.train.TrainOptions;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The request body has one field per hyperparameter, of the option's type, and reads each one by name. */
class RunRequestTest {
    @Test
    void everyOptionIsAFieldOfItsType() {
        Set<String> fields = new HashSet<>();
        for (var c : RunRequest.class.getRecordComponents()) {
            TrainOptions.named(c.getName()).ifPresent(h -> {
                String expected = h.kind().choices().isEmpty() ? h.kind().type().getSimpleName() : "String";
                assertEquals(expected, c.getType().getSimpleName(), c.getName());
                fields.add(c.getName());
            });
        }
        Set<String> options = new HashSet<>();
        TrainOptions.ALL.forEach(h -> options.add(h.name()));
        assertEquals(options, fields);
    }

    @Test
    void omittedFieldsTakeTheDefaultsAndGivenOnesAreRead() {
        RunRequest empty = new RunRequest(null, "sample", null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null);
        assertEquals(TrainConfig.defaults(), empty.toConfig(false));
        assertEquals(Map.of(), empty.problems());
        RunRequest some = new RunRequest("x", "sample", "GRU", 32, 32, 1, 5.0, null, 3, 7, null, null, null, true, 9L,
                null, null, true, null, true);
        assertEquals(Map.of(), some.problems());
        TrainConfig c = some.toConfig(true);
        assertEquals(TrainConfig.builder().model(dev.wordlm.model.ModelType.GRU).size(32).nlayers(1).lr(5).epochs(3)
                .batchSize(7).tied(true).seed(9).cuda(true).dryRun(true).useOptimizer(true).build(), c);
        RunRequest bad = new RunRequest(null, "sample", "cnn", 0, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null);
        assertEquals("must be one of RNN_TANH, RNN_RELU, LSTM, GRU, TRANSFORMER (spelled exactly so, or Transformer as the "
                + "reference spells it), got 'cnn'", bad.problems().get("model"));
        assertEquals("must be between 1 and 8192, got 0", bad.problems().get("emsize"));
    }

    @Test
    void aTransformerRunAsTheReferenceSpellsItWithItsHeadCount() {
        for (String spelling : new String[] {"Transformer", "TRANSFORMER"}) {
            RunRequest ok = new RunRequest(null, "sample", spelling, 32, 64, 2, 5.0, null, null, null, null, null, null,
                    null, null, null, null, null, 4, null);
            assertEquals(Map.of(), ok.problems(), spelling);
            assertEquals(TrainConfig.builder().model(dev.wordlm.model.ModelType.TRANSFORMER).emsize(32).nhid(64).nlayers(2)
                    .lr(5).nhead(4).build(), ok.toConfig(false));
        }
        RunRequest lower = new RunRequest(null, "sample", "transformer", null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null);
        assertTrue(lower.problems().containsKey("model"), "other spellings are refused, as for the RNNs");
        RunRequest heads = new RunRequest(null, "sample", "Transformer", 200, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, 3, null);
        assertEquals(Set.of("nhead"), heads.problems().keySet());
        String why = heads.problems().get("nhead");
        assertTrue(why.startsWith("emsize must be divisible by nhead") && why.endsWith("(emsize=200, nhead=3)"), why);
        RunRequest zero = new RunRequest(null, "sample", "LSTM", null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, 0, null);
        assertEquals("must be between 1 and 1024, got 0", zero.problems().get("nhead"));
    }
}
