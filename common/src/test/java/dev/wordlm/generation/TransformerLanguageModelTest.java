package dev.wordlm.generation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.wordlm.checkpoint.Checkpoint;
import dev.wordlm.model.ModelType;
import dev.wordlm.model.RnnLanguageModel;
import dev.wordlm.train.TrainConfig;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every generation and scoring test of {@link LanguageModelTest}, on a Transformer checkpoint: seeded streams alone
 * and batched, the learned distribution, scoring as the trainer evaluates, prompts, top-k, release. Plus what only the
 * Transformer has: a context window of {@code bptt} words.
 */
class TransformerLanguageModelTest extends LanguageModelTest {
    static final int BPTT = 12;

    @BeforeAll
    static void train() {
        train(TrainConfig.builder().model(ModelType.TRANSFORMER).size(24).nhead(2).nlayers(1).lr(1).bptt(BPTT)
                .epochs(4).dropout(0).seed(1).logInterval(1000).build());
    }

    @Test
    void contextIsAWindowOfBpttWords() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
             RnnLanguageModel model = Checkpoint.load(checkpoint).toModel(m, Device.cpu());
             ContextStepCell cell = new ContextStepCell(model, BPTT)) {
            long[] tail = new long[BPTT - 1];
            for (int i = 0; i < tail.length; i++) {
                tail[i] = 1 + i % 9;
            }
            // the window holds the last BPTT - 1 context words and the input: a word before them is forgotten
            float[] a = cell.open(concat(new long[] {3, 4}, tail)).next(5, 1f).clone();
            float[] b = cell.open(concat(new long[] {7}, tail)).next(5, 1f).clone();
            assertArrayEquals(a, b);
            float[] alone = cell.open(tail).next(5, 1f).clone();
            assertArrayEquals(a, alone);
            // a word inside the window is read (the weights move, if only a little on a first-order source)
            long[] changed = tail.clone();
            changed[0] = 10;
            assertFalse(Arrays.equals(alone, cell.open(changed).next(5, 1f)));
            // stepping on slides the window: the stream forgets its first word after BPTT steps
            StepCell.Stream s1 = cell.open(new long[] {3});
            StepCell.Stream s2 = cell.open(new long[] {8});
            float[] w1 = null;
            float[] w2 = null;
            for (int step = 0; step < BPTT; step++) {
                w1 = s1.next(2 + step % 5, 0.8f).clone();
                w2 = s2.next(2 + step % 5, 0.8f).clone();
                if (step < BPTT - 1) {
                    assertFalse(Arrays.equals(w1, w2), "step " + step);
                }
            }
            assertArrayEquals(w1, w2);
        }
    }

    private static long[] concat(long[] a, long[] b) {
        long[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
