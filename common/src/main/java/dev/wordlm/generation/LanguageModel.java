package dev.wordlm.generation;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.wordlm.checkpoint.Checkpoint;
import dev.wordlm.corpus.Corpus;
import dev.wordlm.corpus.Vocabulary;
import dev.wordlm.engine.Autograd;
import dev.wordlm.engine.Engines;
import dev.wordlm.model.ModelType;
import dev.wordlm.model.RnnLanguageModel;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A checkpoint loaded for inference: streaming generation ({@code generate.py}) and scoring (perplexity of a
 * text). Safe to use from many threads at once; each {@link Generation} is used by one thread at a time.
 *
 * <p>Reference counted, so a server can swap models under load: {@link #retain()} before a request and
 * {@link #release()} after it; {@link #close()} frees the native memory once the last request has released.
 */
public final class LanguageModel implements AutoCloseable {
    /** The reference's evaluation batch size: a long text is scored as this many columns. */
    public static final int SCORE_COLUMNS = 10;
    /** Shorter columns would drop more context than they save: below this a text is one stream. */
    public static final int MIN_COLUMN_TOKENS = 100;
    private static final int SCORE_CHUNK = 256;
    /** Time steps per call in columns: the reference's bptt, which bounds the logits at 350 rows. */
    private static final int COLUMN_CHUNK = 35;

    private final Checkpoint.Info info;
    private final NDManager root;
    private final RnnLanguageModel model;
    private final StepCell cell;
    private final int unknownId;
    private final AtomicInteger references = new AtomicInteger(1);

    private LanguageModel(Checkpoint checkpoint, Device device, int decoderThreads) {
        this.info = checkpoint.info();
        this.root = NDManager.newBaseManager(device);
        try {
            this.model = checkpoint.toModel(root, device);
            // On the CPU, plain Java arrays beat the engine's ops at batch 1 (see HostStepCell); a GPU keeps its own.
            // The Transformer has no state to step: it rereads a window of its training run's bptt words.
            if (!model.config().type().isRecurrent()) {
                this.cell = new ContextStepCell(model, info.training().bptt());
            } else {
                this.cell = device.isGpu() ? new TensorStepCell(model) : new HostStepCell(model, decoderThreads);
            }
        } catch (RuntimeException e) {
            root.close();
            throw e;
        }
        this.unknownId = info.vocabulary().id(Vocabulary.UNK);
    }

    public static LanguageModel load(Path file, Device device) {
        return load(file, device, 1);
    }

    /**
     * @param decoderThreads threads that share the decoder's product for one stream (a CPU single-stream tool such
     *                       as {@code lm generate} gains from one per core; a server running many streams keeps 1)
     */
    public static LanguageModel load(Path file, Device device, int decoderThreads) {
        Engines.pytorch();
        return new LanguageModel(Checkpoint.load(file), device, decoderThreads);
    }

    public static LanguageModel load(Checkpoint checkpoint, Device device) {
        Engines.pytorch();
        return new LanguageModel(checkpoint, device, 1);
    }

    public Checkpoint.Info info() {
        return info;
    }

    public Vocabulary vocabulary() {
        return info.vocabulary();
    }

    /** Takes a reference for one request; false if the model is already closed (use another one). */
    public boolean retain() {
        while (true) {
            int n = references.get();
            if (n <= 0) {
                return false;
            }
            if (references.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Gives a reference back; the last one frees the native memory. */
    public void release() {
        if (references.decrementAndGet() == 0) {
            cell.close();
            root.close();
        }
    }

    /** Drops the owner's reference: the model is freed now, or when its last request releases it. */
    @Override
    public void close() {
        release();
    }

    /** Generates {@code request.words()} words, one per {@code next()}, conditioned on the prompt if any. */
    public Generation generate(GenerationRequest request) {
        long seed = request.seed() != null ? request.seed() : ThreadLocalRandom.current().nextLong();
        Sampler sampler = new Sampler(request.temperature(), request.topK(), request.topP(), seed);
        return new Generation(request, sampler);
    }

    /**
     * Advances all of {@code batch} (generations of this model, each with words left) by one word in one batched step,
     * and returns their word ids in order. Each generation samples with its own seed, temperature and top-k/top-p, and
     * the step computes what it computes for a generation alone, so a seeded request gives the same words whatever it
     * shares a batch with (on the CPU bit for bit; on a GPU within rounding). Call from one thread at a time per
     * generation, like {@link Generation#nextId}.
     */
    public int[] nextIds(List<Generation> batch) {
        int count = batch.size();
        StepCell.Stream[] streams = new StepCell.Stream[count];
        int[] inputs = new int[count];
        float[] temperatures = new float[count];
        for (int b = 0; b < count; b++) {
            Generation g = batch.get(b);
            if (g.model() != this) {
                throw new IllegalArgumentException("generation " + b + " belongs to another model");
            }
            if (!g.hasNext()) {
                throw new NoSuchElementException("generation " + b + " has no words left");
            }
            streams[b] = g.stream;
            inputs[b] = g.input;
            temperatures[b] = (float) g.sampler.temperature();
        }
        Autograd.record(false);
        float[][] weights = cell.next(streams, inputs, temperatures, count);
        int[] ids = new int[count];
        for (int b = 0; b < count; b++) {
            ids[b] = batch.get(b).accept(weights[b]);
        }
        return ids;
    }

    /**
     * Perplexity of a text under this model: tokens as in the corpus ({@code <eos>} at each line end), each predicted
     * from the ones before it. A text of at least {@value #SCORE_COLUMNS} × {@value #MIN_COLUMN_TOKENS} tokens is
     * read as the reference's evaluation reads the test set: cut into {@value #SCORE_COLUMNS} columns (the remainder
     * dropped, as {@code batchify} does), each from a zero state, all columns in one batch; a shorter one as one
     * stream. {@link ScoreResult#columns} says which. Unknown words count as {@code <unk>} when the vocabulary has it,
     * and are an error otherwise. A Transformer reads the text in chunks of its training run's {@code bptt} tokens,
     * each predicted from the words of its own chunk only, as the reference's evaluation reads it.
     */
    public ScoreResult score(String text) {
        long[] ids = encode(text, true);
        if (ids.length < 2) {
            throw new IllegalArgumentException("text: need at least two tokens to score (a line end counts as one)");
        }
        int columns = ids.length >= SCORE_COLUMNS * MIN_COLUMN_TOKENS ? SCORE_COLUMNS : 1;
        int rows = ids.length / columns;
        int unknown = 0;
        for (int i = 0; i < rows * columns; i++) {
            if (ids[i] == unknownId && unknownId >= 0) {
                unknown++;
            }
        }
        // columns side by side: row t holds token t of every column, as batchify lays out (T, B)
        long[] grid = new long[rows * columns];
        for (int c = 0; c < columns; c++) {
            for (int t = 0; t < rows; t++) {
                grid[t * columns + c] = ids[c * rows + t];
            }
        }
        int chunk = !model.config().type().isRecurrent() ? info.training().bptt()
                : columns == 1 ? SCORE_CHUNK : COLUMN_CHUNK;
        Autograd.record(false);
        double total = 0;
        try (NDManager m = root.newSubManager()) {
            NDList state = model.initialState(m, columns);
            for (int t = 0; t < rows - 1; t += chunk) {
                int len = Math.min(chunk, rows - 1 - t);
                long[] in = new long[len * columns];
                long[] target = new long[len * columns];
                System.arraycopy(grid, t * columns, in, 0, len * columns);
                System.arraycopy(grid, (t + 1) * columns, target, 0, len * columns);
                try (NDManager step = m.newSubManager()) {
                    NDList out = model.forward(step.create(in, new Shape(len, columns)), state, false);
                    total += len * columns
                            * (double) RnnLanguageModel.crossEntropy(out.head(), step.create(target)).getFloat();
                    NDList next = out.subNDList(1);
                    next.attach(m);
                    state = next;
                }
            }
        }
        int predicted = (rows - 1) * columns;
        double loss = total / predicted;
        return new ScoreResult(predicted, unknown, loss, Math.exp(loss), columns);
    }

    /** Token ids of a text, as {@link Corpus#encode} gives them, as the engine's int64. */
    long[] encode(String text, boolean lineEnds) {
        return java.util.Arrays.stream(Corpus.encode(text, info.vocabulary(), lineEnds)).asLongStream().toArray();
    }

    /**
     * @param tokens  predicted tokens (all but the first)
     * @param unknown words mapped to {@code <unk>}
     * @param columns {@value #SCORE_COLUMNS} when the text was read in columns like the reference's evaluation, 1
     *                when as one stream
     */
    public record ScoreResult(int tokens, int unknown, double loss, double perplexity, int columns) {
    }

    /** A stream of generated words. Not thread-safe; close it to free its state early. */
    public final class Generation implements Iterator<String>, AutoCloseable {
        private final Sampler sampler;
        private final StepCell.Stream stream;
        private int input;
        private int remaining;
        private boolean closed;

        private Generation(GenerationRequest request, Sampler sampler) {
            this.sampler = sampler;
            this.remaining = request.words();
            Autograd.record(false);
            String prompt = request.prompt();
            long[] promptIds = prompt == null || prompt.isBlank() ? new long[0] : encode(prompt, false);
            if (cell instanceof ContextStepCell context) {
                long[] head = promptIds.length > 1 ? java.util.Arrays.copyOf(promptIds, promptIds.length - 1) : new long[0];
                this.stream = context.open(head);
            } else {
                this.stream = cell.open(promptState(promptIds));
            }
            input = promptIds.length > 0 ? (int) promptIds[promptIds.length - 1]
                    : sampler.uniform(info.vocabulary().size());
        }

        /**
         * The state after all but the last prompt word (that one is the first input), run through the fused op in one
         * call without the decoder; a zero state without a prompt. As host arrays: h per layer, then c per layer for the LSTM.
         */
        private float[][] promptState(long[] promptIds) {
            int layers = model.config().nlayers();
            int nhid = model.config().nhid();
            int entries = model.config().type() == ModelType.LSTM ? 2 * layers : layers;
            float[][] state = new float[entries][nhid];
            if (promptIds.length > 1) {
                try (NDManager tmp = root.newSubManager()) {
                    long[] head = java.util.Arrays.copyOf(promptIds, promptIds.length - 1);
                    NDList out = model.advance(tmp.create(head, new Shape(head.length, 1)), model.initialState(tmp, 1));
                    int k = 0;
                    for (NDArray part : out) {
                        float[] flat = part.toFloatArray(); // (layers, 1, nhid)
                        for (int l = 0; l < layers; l++) {
                            System.arraycopy(flat, l * nhid, state[k++], 0, nhid);
                        }
                    }
                }
            }
            return state;
        }

        @Override
        public boolean hasNext() {
            return remaining > 0 && !closed;
        }

        /** The next word id (see {@link #next()} for the word). */
        public int nextId() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return accept(stream.next(input, (float) sampler.temperature()));
        }

        /** Samples the next word from this step's weights and makes it the next input. */
        private int accept(float[] weights) {
            int id = sampler.sample(weights);
            input = id;
            remaining--;
            if (remaining == 0) {
                close();
            }
            return id;
        }

        LanguageModel model() {
            return LanguageModel.this;
        }

        /** Words still to come. */
        public int remaining() {
            return closed ? 0 : remaining;
        }

        @Override
        public String next() {
            return info.vocabulary().word(nextId());
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                stream.close();
            }
        }
    }
}
