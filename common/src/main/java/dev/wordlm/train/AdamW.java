package dev.wordlm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.wordlm.checkpoint.OptimizerState;
import dev.wordlm.model.RnnLanguageModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code torch.optim.AdamW} with PyTorch's defaults (betas 0.9 and 0.999, eps 1e-8, weight decay 0.01, no amsgrad),
 * what the reference's {@code --use-optimizer} builds. Per parameter {@code p} with gradient {@code g}, at step
 * {@code t}: {@code p *= 1 - lr * wd} (decoupled weight decay, on every parameter as {@code model.parameters()}
 * gives them), {@code m = b1 m + (1 - b1) g}, {@code v = b2 v + (1 - b2) g²}, then
 * {@code p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)}.
 *
 * <p>The moments live in this optimizer's own manager; each step's temporaries in the caller's step manager.
 */
public final class AdamW implements AutoCloseable {
    public static final String TYPE = "AdamW";
    public static final double BETA1 = 0.9;
    public static final double BETA2 = 0.999;
    public static final double EPS = 1e-8;
    public static final double WEIGHT_DECAY = 0.01;
    static final String EXP_AVG = "exp_avg";
    static final String EXP_AVG_SQ = "exp_avg_sq";

    private final NDManager manager;
    private final List<NDArray> parameters;
    private final List<NDArray> expAvg = new ArrayList<>();
    private final List<NDArray> expAvgSq = new ArrayList<>();
    private long step;

    /** Zero moments for {@code parameters} (each distinct array once, as {@link RnnLanguageModel#parameters()}). */
    public AdamW(NDManager parent, List<NDArray> parameters) {
        this.manager = parent.newSubManager();
        this.parameters = List.copyOf(parameters);
        for (NDArray p : parameters) {
            expAvg.add(manager.zeros(p.getShape(), p.getDataType(), p.getDevice()));
            expAvgSq.add(manager.zeros(p.getShape(), p.getDataType(), p.getDevice()));
        }
    }

    /** The optimizer of a resumed run: the moments and step count a checkpoint kept for {@code model}. */
    public static AdamW restore(NDManager parent, RnnLanguageModel model, OptimizerState state) {
        if (!TYPE.equals(state.type())) {
            throw new IllegalArgumentException("the checkpoint's optimizer is " + state.type() + ", not " + TYPE);
        }
        AdamW opt = new AdamW(parent, model.parameters());
        opt.step = state.step();
        int k = 0;
        for (Map.Entry<String, NDArray> e : model.storedParameters().entrySet()) {
            NDArray p = e.getValue();
            opt.expAvg.get(k).set(values(state, EXP_AVG, e.getKey()));
            opt.expAvgSq.get(k).set(values(state, EXP_AVG_SQ, e.getKey()));
            if (opt.parameters.get(k) != p) {
                throw new IllegalStateException("parameter order differs from the stored order at " + e.getKey());
            }
            k++;
        }
        return opt;
    }

    private static float[] values(OptimizerState state, String slot, String name) {
        Map<String, float[]> bySlot = state.slots().get(slot);
        float[] v = bySlot == null ? null : bySlot.get(name);
        if (v == null) {
            throw new IllegalArgumentException("the checkpoint's optimizer state has no " + slot + " for " + name);
        }
        return v;
    }

    /** What a resume checkpoint keeps, by the model's stored parameter names (their order is {@code parameters}'). */
    public OptimizerState state(RnnLanguageModel model) {
        Map<String, float[]> m = new LinkedHashMap<>();
        Map<String, float[]> v = new LinkedHashMap<>();
        int k = 0;
        for (String name : model.storedParameters().keySet()) {
            m.put(name, expAvg.get(k).toFloatArray());
            v.put(name, expAvgSq.get(k).toFloatArray());
            k++;
        }
        Map<String, Map<String, float[]>> slots = new LinkedHashMap<>();
        slots.put(EXP_AVG, m);
        slots.put(EXP_AVG_SQ, v);
        return new OptimizerState(TYPE, step, slots);
    }

    /** Updates done so far. */
    public long steps() {
        return step;
    }

    /**
     * One update of every parameter, in place, from its (already clipped) gradient.
     *
     * @param grads one per parameter, in the constructor's order
     * @param tmp   owns this step's temporaries (closed by the caller after the batch)
     */
    public void step(List<NDArray> grads, double lr, NDManager tmp) {
        step++;
        double biasCorrection1 = 1 - Math.pow(BETA1, step);
        double biasCorrection2Sqrt = Math.sqrt(1 - Math.pow(BETA2, step));
        double stepSize = lr / biasCorrection1;
        for (int k = 0; k < parameters.size(); k++) {
            NDArray p = parameters.get(k);
            NDArray g = grads.get(k);
            NDArray m = expAvg.get(k);
            NDArray v = expAvgSq.get(k);
            p.muli(1 - lr * WEIGHT_DECAY);
            m.muli(BETA1).addi(in(tmp, g.mul(1 - BETA1)));
            v.muli(BETA2).addi(in(tmp, g.square()).muli(1 - BETA2));
            NDArray denom = in(tmp, v.sqrt()).divi(biasCorrection2Sqrt).addi(EPS);
            p.subi(in(tmp, m.div(denom)).muli(stepSize));
        }
    }

    /** An op's result belongs to its first operand's manager: moves a temporary off the long-lived ones. */
    private static NDArray in(NDManager tmp, NDArray a) {
        a.attach(tmp);
        return a;
    }

    @Override
    public void close() {
        manager.close();
    }
}
