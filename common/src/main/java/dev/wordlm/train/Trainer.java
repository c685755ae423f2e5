package dev.wordlm.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.wordlm.checkpoint.Checkpoint;
import dev.wordlm.corpus.Corpus;
import dev.wordlm.engine.Autograd;
import dev.wordlm.engine.Engines;
import dev.wordlm.engine.NativeSettings;
import dev.wordlm.model.ModelConfig;
import dev.wordlm.model.RnnLanguageModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The reference's {@code main.py} training loop: truncated BPTT over batchified data, cross-entropy, global
 * gradient-norm clipping, plain SGD, learning rate divided by {@code decay} when validation does not improve
 * (or, with {@code useOptimizer}, {@link AdamW} at the constant initial lr, as the reference's optimizer never sees
 * its annealed lr), the best model saved and finally evaluated on test. Cancellation stops after the current batch and still
 * evaluates the best model on test, like Ctrl-C in the reference.
 *
 * <p>Each batch's arrays live in a sub-manager closed after the batch; the hidden state carried to the next batch
 * is detached and moved to its own manager. So native memory stays flat over an epoch.
 */
public final class Trainer {
    private static final String RULE = "-".repeat(89);
    private static final String DOUBLE_RULE = "=".repeat(89);

    private final TrainConfig config;
    private final Corpus corpus;
    private final Path save;
    private final Path resumeState;
    private final TrainingListener listener;
    private final CancellationToken cancel;

    /**
     * @param save        where the best model is written (the reference's {@code --save})
     * @param resumeState where the last epoch's state is written; if the file exists, training resumes from it
     */
    public Trainer(TrainConfig config, Corpus corpus, Path save, Path resumeState, TrainingListener listener,
                   CancellationToken cancel) {
        this.config = config.validated();
        this.corpus = corpus;
        this.save = save;
        this.resumeState = resumeState;
        this.listener = listener == null ? new TrainingListener() { } : listener;
        this.cancel = cancel == null ? new CancellationToken() : cancel;
    }

    /** The conventional resume-state path next to a best-model path: {@code model.wlm} -> {@code model.last.wlm}. */
    public static Path resumePathFor(Path save) {
        return sibling(save, ".last" + Checkpoint.FILE_EXTENSION);
    }

    /** The conventional log file next to a best-model path: {@code model.wlm} -> {@code model.log}. */
    public static Path logPathFor(Path save) {
        return sibling(save, ".log");
    }

    private static Path sibling(Path save, String suffix) {
        String name = save.getFileName().toString();
        String base = name.endsWith(Checkpoint.FILE_EXTENSION)
                ? name.substring(0, name.length() - Checkpoint.FILE_EXTENSION.length()) : name;
        return save.resolveSibling(base + suffix);
    }

    public TrainingResult train() {
        Engine engine = Engines.pytorch();
        Device device = Engines.device(config.cuda());
        engine.setRandomSeed((int) config.seed());
        Batches trainData = Batches.batchify(corpus.train(), config.batchSize());
        Batches validData = Batches.batchify(corpus.valid(), TrainConfig.EVAL_BATCH_SIZE);
        Batches testData = Batches.batchify(corpus.test(), TrainConfig.EVAL_BATCH_SIZE);
        ModelConfig modelConfig = config.modelConfig(corpus.vocabSize());
        log(String.format("vocab size (%d)", corpus.vocabSize()));
        long logitBytes = 4L * config.bptt() * config.batchSize() * corpus.vocabSize();
        NativeSettings.mmapThresholdWarning(logitBytes, "a batch's logits").ifPresent(w -> log("| warning: " + w));

        try (NDManager root = NDManager.newBaseManager(device)) {
            int firstEpoch = 1;
            double lr = config.lr();
            double bestValLoss = Double.NaN;
            RnnLanguageModel model;
            AdamW adamw = null;
            if (resumeState != null && Files.exists(resumeState)) {
                Checkpoint state = Checkpoint.load(resumeState);
                checkResumable(state.info());
                model = state.toModel(root, device);
                firstEpoch = state.info().epoch() + 1;
                lr = state.info().lr();
                bestValLoss = state.info().bestValidLoss();
                if (config.useOptimizer()) {
                    adamw = AdamW.restore(root, model, state.optimizerState().orElseThrow(() -> new IllegalStateException(
                            "cannot resume from " + resumeState + ": it has no optimizer state (not a resume state)")));
                }
                log(String.format("| resumed from %s after epoch %d | lr %.4f | best valid ppl %.2f", resumeState,
                        state.info().epoch(), lr, Math.exp(bestValLoss)));
            } else {
                model = RnnLanguageModel.initialize(modelConfig, root, device);
            }
            model.requireGradients();
            if (config.useOptimizer() && adamw == null) {
                adamw = new AdamW(root, model.parameters());
            }
            int epochsCompleted = firstEpoch - 1;
            int lastEpoch = config.epochs();
            if (config.dryRun()) {
                log("| dry run: one batch of training, one of validation and one of test; nothing is saved");
                lastEpoch = firstEpoch;
            }

            for (int epoch = firstEpoch; epoch <= lastEpoch && !cancel.isCancelled(); epoch++) {
                // Each epoch's dropout draws from its own seed, so a resumed run repeats the uninterrupted one exactly.
                engine.setRandomSeed((int) (config.seed() + epoch));
                long epochStart = System.nanoTime();
                double trainLoss = trainEpoch(root, model, adamw, trainData, epoch, lr);
                if (cancel.isCancelled()) {
                    break;
                }
                double valLoss = evaluate(root, model, validData);
                double seconds = (System.nanoTime() - epochStart) / 1e9;
                log(RULE);
                log(String.format("| end of epoch %3d | time: %5.2fs | valid loss %5.2f | valid ppl %8.2f", epoch, seconds,
                        valLoss, Math.exp(valLoss)));
                log(RULE);
                boolean improved = Double.isNaN(bestValLoss) || valLoss < bestValLoss;
                double nextLr = lr;
                if (improved) {
                    bestValLoss = valLoss;
                    if (!config.dryRun()) {
                        Checkpoint.Info info = Checkpoint.save(save, model, config, corpus.vocabulary(), epoch, lr,
                                valLoss, bestValLoss, corpus.fingerprint());
                        listener.onCheckpoint(new TrainingListener.CheckpointSaved(save, epoch, valLoss, info.sha256(),
                                info.sizeBytes(), true));
                    }
                } else if (adamw == null) {
                    nextLr = lr / config.decay();
                }
                if (resumeState != null && !config.dryRun()) {
                    Checkpoint.Info info = Checkpoint.save(resumeState, model, config, corpus.vocabulary(), epoch, nextLr,
                            valLoss, bestValLoss, corpus.fingerprint(), adamw == null ? null : adamw.state(model));
                    listener.onCheckpoint(new TrainingListener.CheckpointSaved(resumeState, epoch, valLoss,
                            info.sha256(), info.sizeBytes(), false));
                }
                double tokens = (double) (config.dryRun() ? 1 : trainData.batchCount(config.bptt())) * config.bptt()
                        * config.batchSize();
                listener.onEpoch(new TrainingListener.EpochResult(epoch, trainLoss, valLoss, lr, nextLr, seconds,
                        tokens / seconds, improved));
                lr = nextLr;
                epochsCompleted = epoch;
            }
            if (cancel.isCancelled()) {
                log(RULE);
                log("Exiting from training early");
            }

            // Test the best model, as the reference reloads it; with no completed epoch, the current one.
            boolean haveBest = !config.dryRun() && Files.exists(save) && epochsCompleted > 0;
            RnnLanguageModel best = haveBest ? Checkpoint.load(save).toModel(root, device) : model;
            double testLoss = evaluate(root, best, testData);
            listener.onTest(testLoss);
            log(DOUBLE_RULE);
            log(String.format("| End of training | test loss %5.2f | test ppl %8.2f", testLoss, Math.exp(testLoss)));
            log(DOUBLE_RULE);
            return new TrainingResult(epochsCompleted, bestValLoss, testLoss, cancel.isCancelled(), haveBest ? save : null);
        }
    }

    /** One epoch over the training data; returns the mean training loss of the batches run. */
    private double trainEpoch(NDManager root, RnnLanguageModel model, AdamW adamw, Batches data, int epoch, double lr) {
        int batchSize = data.batchSize();
        int batches = data.batchCount(config.bptt());
        int chunks = data.chunkCount(config.bptt());
        List<NDArray> parameters = model.parameters();
        NDManager carry = root.newSubManager();
        NDList hidden = model.initialState(carry, batchSize);
        double intervalLoss = 0;
        double epochLoss = 0;
        int epochBatches = 0;
        long intervalStart = System.nanoTime();
        try {
            int batch = 0;
            for (int i = 0; i < data.rows() - 1; i += config.bptt(), batch++) {
                int len = data.chunkLength(i, config.bptt());
                NDManager nextCarry = root.newSubManager();
                try (NDManager step = root.newSubManager()) {
                    NDArray input = step.create(data.inputs(i, len), new Shape(len, batchSize));
                    NDArray targets = step.create(data.targets(i, len));

                    Autograd.record(true);
                    NDList out;
                    NDArray loss;
                    try {
                        out = model.forward(input, hidden, true);
                        loss = RnnLanguageModel.crossEntropy(out.head(), targets);
                        Autograd.backward(loss);
                    } finally {
                        Autograd.record(false);
                    }
                    clipAndStep(step, parameters, lr, adamw);
                    hidden = detach(out, nextCarry);

                    float value = loss.getFloat();
                    if (!Float.isFinite(value)) {
                        throw new TrainingDivergedException(String.format(
                                "training diverged: the loss is %s at epoch %d, batch %d (lr %.4g). Lower --lr or --clip; "
                                        + (adamw != null ? "AdamW wants an lr near 0.001, not SGD's 20."
                                        : "RNN_TANH and RNN_RELU need a much smaller lr than the reference's 20."),
                                value, epoch, batch, lr));
                    }
                    intervalLoss += value;
                    epochLoss += value;
                    epochBatches++;
                    listener.onStep(new TrainingListener.Step(epoch, batch + 1, chunks, value, len * batchSize));
                } finally {
                    carry.close();
                    carry = nextCarry;
                }

                if (batch % config.logInterval() == 0 && batch > 0) {
                    double curLoss = intervalLoss / config.logInterval();
                    double elapsed = (System.nanoTime() - intervalStart) / 1e9;
                    double msPerBatch = elapsed * 1000 / config.logInterval();
                    double tokensPerSecond = (double) config.logInterval() * config.bptt() * batchSize / elapsed;
                    listener.onIntervalLog(String.format(
                            "| epoch %3d | %5d/%5d batches | lr %02.2f | ms/batch %5.2f | loss %5.2f | ppl %8.2f",
                            epoch, batch, batches, lr, msPerBatch, curLoss, Math.exp(curLoss)));
                    listener.onBatch(new TrainingListener.BatchProgress(epoch, batch, batches, lr, msPerBatch, curLoss,
                            tokensPerSecond));
                    intervalLoss = 0;
                    intervalStart = System.nanoTime();
                }
                if (cancel.isCancelled() || config.dryRun()) {
                    break;
                }
            }
        } finally {
            carry.close();
        }
        return epochBatches == 0 ? Double.NaN : epochLoss / epochBatches;
    }

    /**
     * {@code torch.nn.utils.clip_grad_norm_(parameters, clip)} then {@code p -= lr * grad} (or AdamW's step from the
     * clipped gradients), computed on the device: the global L2 norm over all gradients, scaled by
     * {@code min(1, clip / (norm + 1e-6))}; updates in place.
     */
    private void clipAndStep(NDManager step, List<NDArray> parameters, double lr, AdamW adamw) {
        List<NDArray> grads = new ArrayList<>(parameters.size());
        NDArray sumOfSquares = null;
        for (NDArray p : parameters) {
            NDArray g = p.getGradient();
            g.attach(step); // the handle is created in the parameter's long-lived manager
            grads.add(g);
            NDArray sq = g.square().sum();
            sumOfSquares = sumOfSquares == null ? sq : sumOfSquares.addi(sq);
        }
        if (adamw != null) {
            NDArray scale = clipScale(sumOfSquares, config.clip());
            grads.forEach(g -> g.muli(scale));
            adamw.step(grads, lr, step);
            parameters.forEach(Autograd::zeroGradient); // after the step: the handles share the gradients' storage
            return;
        }
        NDArray scale = clipScale(sumOfSquares, config.clip()).muli(-lr);
        for (int k = 0; k < parameters.size(); k++) {
            NDArray g = grads.get(k);
            parameters.get(k).addi(g.muli(scale));
            Autograd.zeroGradient(parameters.get(k));
        }
    }

    /** {@code min(1, clip / (sqrt(sumOfSquares) + 1e-6))}, the factor of {@code clip_grad_norm_}. */
    static NDArray clipScale(NDArray sumOfSquares, double clip) {
        return sumOfSquares.sqrt().addi(1e-6).pow(-1).muli(clip).minimum(1f);
    }

    /** Mean loss per token over a split, in evaluation mode (no dropout, no gradient recording). */
    private double evaluate(NDManager root, RnnLanguageModel model, Batches data) {
        Autograd.record(false);
        double total = 0;
        int tokensPerColumn = 0;
        NDManager carry = root.newSubManager();
        NDList hidden = model.initialState(carry, data.batchSize());
        try {
            for (int i = 0; i < data.rows() - 1; i += config.bptt()) {
                int len = data.chunkLength(i, config.bptt());
                NDManager nextCarry = root.newSubManager();
                try (NDManager step = root.newSubManager()) {
                    NDArray input = step.create(data.inputs(i, len), new Shape(len, data.batchSize()));
                    NDArray targets = step.create(data.targets(i, len));
                    NDList out = model.forward(input, hidden, false);
                    total += len * (double) RnnLanguageModel.crossEntropy(out.head(), targets).getFloat();
                    tokensPerColumn += len;
                    hidden = detach(out, nextCarry);
                } finally {
                    carry.close();
                    carry = nextCarry;
                }
                if (config.dryRun()) {
                    break;
                }
            }
        } finally {
            carry.close();
        }
        return total / tokensPerColumn;
    }

    /** The new hidden state (all but the logits), cut from its graph and moved to a manager that outlives the batch. */
    private static NDList detach(NDList forwardOutput, NDManager keeper) {
        NDList state = new NDList(forwardOutput.size() - 1);
        for (int i = 1; i < forwardOutput.size(); i++) {
            NDArray d = forwardOutput.get(i).stopGradient();
            d.attach(keeper);
            state.add(d);
        }
        return state;
    }

    private void checkResumable(Checkpoint.Info info) {
        if (!info.corpusFingerprint().equals(corpus.fingerprint())) {
            throw new IllegalStateException("cannot resume from " + resumeState + ": it was trained on other data "
                    + "(corpus fingerprint " + info.corpusFingerprint() + ", this corpus " + corpus.fingerprint() + ")");
        }
        if (!info.training().resumableAs(config)) {
            throw new IllegalStateException("cannot resume from " + resumeState + ": it was trained with " + info.training()
                    + ", not " + config);
        }
    }

    private void log(String line) {
        listener.onLog(line);
    }
}
