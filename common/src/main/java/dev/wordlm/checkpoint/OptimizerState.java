package dev.wordlm.checkpoint;

import java.util.List;
import java.util.Map;

/**
 * An optimizer's state as a resume checkpoint stores it: what {@code optimizer.state_dict()} holds in PyTorch.
 *
 * @param type  the optimizer ({@code AdamW})
 * @param step  updates done so far (AdamW's bias correction depends on it)
 * @param slots per-parameter tensors by slot ({@code exp_avg}, {@code exp_avg_sq}), each by stored parameter name,
 *              in the checkpoint's parameter order, with that parameter's shape
 */
public record OptimizerState(String type, long step, Map<String, Map<String, float[]>> slots) {
    public List<String> slotNames() {
        return List.copyOf(slots.keySet());
    }
}
