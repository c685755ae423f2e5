package dev.wordlm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import dev.wordlm.engine.Engines;
import org.junit.jupiter.api.Test;

/** The factor of torch.nn.utils.clip_grad_norm_: min(1, max_norm / (total_norm + 1e-6)). */
class ClipTest {
    @Test
    void scalesDownOnlyAboveTheClip() {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager()) {
            // gradients (3, 4) and (12): total L2 norm = sqrt(9 + 16 + 144) = 13
            double sumOfSquares = 9 + 16 + 144;
            assertEquals(0.25 / (13 + 1e-6), Trainer.clipScale(m.create((float) sumOfSquares), 0.25).getFloat(), 1e-7);
            assertEquals(1.0, Trainer.clipScale(m.create((float) sumOfSquares), 20).getFloat(), 0.0);
            assertEquals(13 / (13 + 1e-6), Trainer.clipScale(m.create((float) sumOfSquares), 13).getFloat(), 1e-7);
        }
    }
}
