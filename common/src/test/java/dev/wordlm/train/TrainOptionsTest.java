package dev.wordlm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wordlm.model.ModelType;
import dev.wordlm.options.Hyperparameter;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

public class TrainOptionsTest {
    /** A value of the option's type other than its default, inside its range. */
    public static Object otherValue(Hyperparameter<TrainConfig, TrainConfig.Builder, ?> h) {
        Object d = h.defaultValue();
        if (d instanceof Boolean b) {
            return !b;
        }
        if (d instanceof ModelType t) {
            return t == ModelType.GRU ? ModelType.LSTM : ModelType.GRU;
        }
        if (d instanceof Integer i) {
            return i + 1;
        }
        if (d instanceof Long l) {
            return l + 1;
        }
        return h.bounds().max() != null ? (Double) d / 2 : (Double) d * 2;
    }

    /** Every option set to a value other than its default (tied needs equal sizes: the defaults have them). */
    public static TrainConfig allChanged() {
        TrainConfig.Builder b = TrainConfig.builder();
        for (var h : TrainOptions.ALL) {
            h.setRaw(b, otherValue(h));
        }
        return b.size(64).build();
    }

    @Test
    void defaultsAreTheReferenceMainPys() {
        TrainConfig d = TrainConfig.defaults();
        assertEquals(ModelType.LSTM, d.model());
        assertEquals(200, d.emsize());
        assertEquals(200, d.nhid());
        assertEquals(2, d.nlayers());
        assertEquals(20.0, d.lr());
        assertEquals(0.25, d.clip());
        assertEquals(40, d.epochs());
        assertEquals(20, d.batchSize());
        assertEquals(35, d.bptt());
        assertEquals(0.2, d.dropout());
        assertFalse(d.tied());
        assertEquals(1111L, d.seed());
        assertFalse(d.cuda());
        assertEquals(200, d.logInterval());
        assertEquals(Map.of(), d.problems(), "the defaults are valid");
    }

    @Test
    void everyRecordComponentIsOneOptionWithItsOwnFlag() {
        Set<String> names = new HashSet<>();
        Set<String> flags = new HashSet<>();
        for (var h : TrainOptions.ALL) {
            assertTrue(names.add(h.name()), "duplicate " + h.name());
            h.flags().forEach(f -> assertTrue(flags.add(f), "duplicate flag " + f));
            assertFalse(h.help().isBlank(), h.name());
        }
        Set<String> components = new HashSet<>();
        for (var c : TrainConfig.class.getRecordComponents()) {
            components.add(c.getName());
        }
        assertEquals(components, names);
        assertEquals("--batch-size", TrainOptions.BATCH_SIZE.flags().get(0));
        assertTrue(TrainOptions.BATCH_SIZE.flags().contains("--batch_size"), "the reference's spelling");
        assertEquals("--log-interval", TrainOptions.LOG_INTERVAL.flags().get(0));
    }

    @Test
    void builderSetsEachOptionByName() {
        TrainConfig changed = allChanged();
        for (var h : TrainOptions.ALL) {
            if (h != TrainOptions.EMSIZE && h != TrainOptions.NHID) {
                assertEquals(otherValue(h), h.get(changed), h.name());
            }
            assertNotEquals(h.defaultValue(), h.get(changed), h.name());
        }
        assertEquals(changed, changed.toBuilder().build());
        assertEquals(7, changed.withEpochs(7).epochs());
    }

    @Test
    void resumingMayChangeOnlyTheEpochLimitDeviceAndLogInterval() {
        TrainConfig a = TrainConfig.defaults();
        assertTrue(a.resumableAs(a.toBuilder().epochs(80).cuda(true).logInterval(5).build()));
        for (var h : TrainOptions.ALL) {
            TrainConfig.Builder b = a.toBuilder();
            h.setRaw(b, otherValue(h));
            assertEquals(!h.sameOnResume(), a.resumableAs(b.build()), h.name());
        }
    }

    @Test
    void valuesFromClientsAreReadOrNamedWithTheProblem() {
        Map<String, Object> values = new HashMap<>();
        values.put("emsize", "x");
        values.put("model", "transformerish");
        values.put("lr", 5);
        values.put("nhid", "64");
        values.put("seed", 3);
        values.put("tied", "yes");
        Map<String, String> problems = new LinkedHashMap<>();
        TrainConfig c = TrainOptions.fromValues(values, problems).build();
        assertEquals("must be an integer, got 'x'", problems.get("emsize"));
        assertTrue(problems.get("model").startsWith("unknown model type 'transformerish': expected one of"), problems.get("model"));
        assertEquals("must be true or false, got 'yes'", problems.get("tied"));
        assertEquals(3, problems.size(), problems.toString());
        assertEquals(5.0, c.lr());
        assertEquals(64, c.nhid());
        assertEquals(3L, c.seed());
        assertEquals(200, c.emsize(), "an unreadable value keeps the default");
    }

    @Test
    void rangeMessagesAreTheOnesUsersSee() {
        TrainConfig bad = TrainConfig.builder().emsize(0).lr(-1).dropout(1).decay(0.5).logInterval(0).build();
        Map<String, String> p = bad.problems();
        assertEquals("must be between 1 and 8192, got 0", p.get("emsize"));
        assertEquals("must be in (0, 1000], got -1.0", p.get("lr"));
        assertEquals("must be in (0, 1000], got 1.0E308", TrainConfig.builder().lr(1e308).build().problems().get("lr"));
        assertEquals("must be in [0, 1), got 1.0", p.get("dropout"));
        assertEquals("must be in [1, 1000] (1 = never anneal), got 0.5", p.get("decay"));
        assertEquals("must be at least 1, got 0", p.get("logInterval"));
        assertEquals("must be in (0, 1000], got NaN", TrainConfig.builder().clip(Double.NaN).build().problems().get("clip"));
    }
}
