package dev.wordlm.checkpoint;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.wordlm.corpus.Vocabulary;
import dev.wordlm.model.ModelConfig;
import dev.wordlm.model.ModelType;
import dev.wordlm.model.RnnLanguageModel;
import dev.wordlm.train.TrainConfig;
import dev.wordlm.train.TrainOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One self-describing file that holds everything needed to use or resume a model: architecture, training
 * hyperparameters, vocabulary, weights, progress (epoch, learning rate, best validation loss), seed and a
 * fingerprint of the corpus.
 *
 * <p>Layout: the magic {@code WORDLM-CKPT\n}, a big-endian int32 format version, an int32 header length, the
 * UTF-8 JSON header, the parameters as little-endian float32 in header order, then (a resume state of an AdamW run)
 * the optimizer's tensors, slot by slot in the header's parameter order, then the sha256 of all bytes before it.
 * Loading checks each part and names what is wrong; a file without an {@code optimizer} section has no optimizer
 * state (every file written before it existed).
 */
public final class Checkpoint {
    public static final int FORMAT_VERSION = 1;
    public static final String FILE_EXTENSION = ".wlm";
    private static final byte[] MAGIC = "WORDLM-CKPT\n".getBytes(StandardCharsets.US_ASCII);
    private static final int SHA_BYTES = 32;
    private static final int MAX_HEADER_BYTES = 64 << 20;
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private final Info info;
    private final Map<String, float[]> parameters;
    private final OptimizerState optimizer;

    private Checkpoint(Info info, Map<String, float[]> parameters, OptimizerState optimizer) {
        this.info = info;
        this.parameters = parameters;
        this.optimizer = optimizer;
    }

    /**
     * What a checkpoint says about itself, without the weights.
     *
     * @param epoch             last completed epoch
     * @param lr                learning rate for the next epoch (what a resumed run continues with)
     * @param validLoss         validation loss of these weights; NaN when not measured (an imported model without a corpus)
     * @param bestValidLoss     best validation loss of the run so far
     * @param corpusFingerprint sha256 of the training corpus files ({@link dev.wordlm.corpus.Corpus#fingerprint})
     * @param sha256            sha256 of the whole file (not of the content digest inside it)
     */
    public record Info(int formatVersion, ModelConfig model, TrainConfig training, Vocabulary vocabulary, int epoch,
                       double lr, double validLoss, double bestValidLoss, long seed, String corpusFingerprint,
                       Instant createdAt, String sha256, long sizeBytes) {
    }

    public Info info() {
        return info;
    }

    /**
     * The weights by parameter name, in the header's order (a tied decoder weight is not listed: it is
     * {@code encoder.weight}); empty for a header read without them. Shared, not copied: do not modify.
     */
    public Map<String, float[]> weights() {
        return Collections.unmodifiableMap(parameters);
    }

    /** The optimizer's state a resume checkpoint kept; empty for plain SGD, a best model and older files. */
    public java.util.Optional<OptimizerState> optimizerState() {
        return java.util.Optional.ofNullable(optimizer);
    }

    /** Writes a model and its training state atomically (temp file, fsync, rename); returns the file's info. */
    public static Info save(Path file, RnnLanguageModel model, TrainConfig training, Vocabulary vocabulary, int epoch,
                            double lr, double validLoss, double bestValidLoss, String corpusFingerprint) {
        return save(file, model, training, vocabulary, epoch, lr, validLoss, bestValidLoss, corpusFingerprint, null);
    }

    /** As above, with the optimizer's state ({@code null}: none) that a resumed run continues from. */
    public static Info save(Path file, RnnLanguageModel model, TrainConfig training, Vocabulary vocabulary, int epoch,
                            double lr, double validLoss, double bestValidLoss, String corpusFingerprint,
                            OptimizerState optimizer) {
        ModelConfig config = model.config();
        if (vocabulary.size() != config.vocabSize()) {
            throw new IllegalArgumentException("vocabulary has " + vocabulary.size() + " words, model expects "
                    + config.vocabSize());
        }
        Instant createdAt = Instant.now();
        JsonObject header = new JsonObject();
        header.addProperty("format", FORMAT_VERSION);
        header.add("model", GSON.toJsonTree(modelJson(config)));
        header.add("training", trainingJson(training));
        header.addProperty("epoch", epoch);
        header.addProperty("lr", lr);
        header.add("validLoss", lossJson(validLoss));
        header.add("bestValidLoss", lossJson(bestValidLoss));
        header.addProperty("seed", training.seed());
        header.addProperty("corpusFingerprint", corpusFingerprint);
        header.addProperty("createdAt", createdAt.toString());
        JsonArray vocab = new JsonArray();
        vocabulary.words().forEach(vocab::add);
        header.add("vocabulary", vocab);
        JsonArray params = new JsonArray();
        Map<String, NDArray> stored = model.storedParameters();
        for (Map.Entry<String, NDArray> e : stored.entrySet()) {
            JsonObject p = new JsonObject();
            p.addProperty("name", e.getKey());
            p.addProperty("dtype", "float32");
            JsonArray shape = new JsonArray();
            for (long d : e.getValue().getShape().getShape()) {
                shape.add(d);
            }
            p.add("shape", shape);
            params.add(p);
        }
        header.add("parameters", params);
        if (optimizer != null) {
            header.add("optimizer", optimizerJson(optimizer, stored));
        }
        byte[] headerBytes = GSON.toJson(header).getBytes(StandardCharsets.UTF_8);

        MessageDigest sha = sha256();
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        long size;
        String fileSha;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream out = new java.io.BufferedOutputStream(java.nio.channels.Channels.newOutputStream(ch), 1 << 20)) {
                ByteBuffer head = ByteBuffer.allocate(MAGIC.length + 8).order(ByteOrder.BIG_ENDIAN);
                head.put(MAGIC).putInt(FORMAT_VERSION).putInt(headerBytes.length);
                write(out, sha, head.array());
                write(out, sha, headerBytes);
                for (NDArray a : stored.values()) {
                    float[] values = a.toFloatArray();
                    ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                    buf.asFloatBuffer().put(values);
                    write(out, sha, buf.array());
                }
                if (optimizer != null) {
                    for (Map<String, float[]> slot : optimizer.slots().values()) {
                        for (String name : stored.keySet()) {
                            float[] values = slot.get(name);
                            ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                            buf.asFloatBuffer().put(values);
                            write(out, sha, buf.array());
                        }
                    }
                }
                MessageDigest whole = cloneOf(sha);
                byte[] digest = sha.digest();
                whole.update(digest);
                fileSha = HexFormat.of().formatHex(whole.digest());
                out.write(digest);
                out.flush();
                ch.force(true);
                size = ch.size();
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
            return new Info(FORMAT_VERSION, config, training, vocabulary, epoch, lr, validLoss, bestValidLoss,
                    training.seed(), corpusFingerprint, createdAt, fileSha, size);
        } catch (IOException e) {
            throw new CheckpointException("cannot write checkpoint " + file + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temp file only wastes space
                }
            }
        }
    }

    /** Reads and verifies a checkpoint, weights included. */
    public static Checkpoint load(Path file) {
        byte[] bytes = readAll(file);
        return parse(file.toString(), bytes, true);
    }

    /** Reads and verifies a checkpoint from bytes (e.g. a download), weights included. */
    public static Checkpoint load(String name, byte[] bytes) {
        return parse(name, bytes, true);
    }

    /** Reads and verifies a checkpoint's header and integrity, without keeping the weights. */
    public static Info readInfo(Path file) {
        return parse(file.toString(), readAll(file), false).info;
    }

    /** Builds the model on a device; the arrays belong to a sub-manager of {@code parent}. */
    public RnnLanguageModel toModel(NDManager parent, Device device) {
        NDManager manager = parent.newSubManager(device);
        try {
            Map<String, NDArray> arrays = new LinkedHashMap<>();
            Map<String, Shape> shapes = RnnLanguageModel.shapes(info.model());
            for (Map.Entry<String, float[]> e : parameters.entrySet()) {
                arrays.put(e.getKey(), manager.create(e.getValue(), shapes.get(e.getKey())));
            }
            return RnnLanguageModel.fromArrays(info.model(), manager, arrays);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static Checkpoint parse(String name, byte[] bytes, boolean keepWeights) {
        int minimum = MAGIC.length + 8 + SHA_BYTES;
        if (bytes.length < minimum) {
            throw new CheckpointException(name + " is not a checkpoint: only " + bytes.length + " bytes (truncated?)");
        }
        if (!Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new CheckpointException(name + " is not a wordlm checkpoint (wrong magic bytes)");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
        in.position(MAGIC.length);
        int version = in.getInt();
        if (version != FORMAT_VERSION) {
            throw new CheckpointException(name + " has checkpoint format version " + version + "; this build reads version "
                    + FORMAT_VERSION);
        }
        int headerLength = in.getInt();
        if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES || (long) in.position() + headerLength + SHA_BYTES > bytes.length) {
            throw new CheckpointException(name + " is truncated or corrupt: header length " + headerLength
                    + " does not fit in " + bytes.length + " bytes");
        }
        MessageDigest sha = sha256();
        sha.update(bytes, 0, bytes.length - SHA_BYTES);
        // The file's own sha256 continues from the contents' digest: one pass over the bytes for both.
        MessageDigest whole = cloneOf(sha);
        byte[] digest = sha.digest();
        if (!Arrays.equals(digest, 0, SHA_BYTES, bytes, bytes.length - SHA_BYTES, bytes.length)) {
            throw new CheckpointException(name + " is corrupt or truncated: its sha256 does not match its contents");
        }
        JsonObject header;
        try {
            header = JsonParser.parseString(new String(bytes, in.position(), headerLength, StandardCharsets.UTF_8))
                    .getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new CheckpointException(name + " has an unreadable header: " + e.getMessage(), e);
        }
        in.position(in.position() + headerLength);
        try {
            ModelConfig model = modelFromJson(header.getAsJsonObject("model"));
            TrainConfig training = trainingFromJson(header.getAsJsonObject("training"));
            List<String> words = new ArrayList<>();
            for (JsonElement w : header.getAsJsonArray("vocabulary")) {
                words.add(w.getAsString());
            }
            Vocabulary vocabulary = Vocabulary.of(words);
            if (vocabulary.size() != model.vocabSize()) {
                throw new CheckpointException(name + ": vocabulary has " + vocabulary.size() + " words but the model expects "
                        + model.vocabSize());
            }
            Map<String, Shape> expected = RnnLanguageModel.shapes(model);
            Map<String, float[]> params = new LinkedHashMap<>();
            ByteBuffer data = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            data.position(in.position());
            int payloadEnd = bytes.length - SHA_BYTES;
            for (JsonElement pe : header.getAsJsonArray("parameters")) {
                JsonObject p = pe.getAsJsonObject();
                String pname = p.get("name").getAsString();
                Shape want = expected.get(pname);
                if (want == null) {
                    throw new CheckpointException(name + ": unexpected parameter " + pname + " for " + model);
                }
                if (!"float32".equals(p.get("dtype").getAsString())) {
                    throw new CheckpointException(name + ": parameter " + pname + " has dtype " + p.get("dtype")
                            + ", only float32 is supported");
                }
                JsonArray dims = p.getAsJsonArray("shape");
                long[] shape = new long[dims.size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = dims.get(i).getAsLong();
                }
                if (!new Shape(shape).equals(want)) {
                    throw new CheckpointException(name + ": parameter " + pname + " has shape " + new Shape(shape)
                            + ", expected " + want + " for " + model);
                }
                long count = want.size();
                if (data.position() + count * 4 > payloadEnd) {
                    throw new CheckpointException(name + " is truncated: parameter " + pname + " runs past the end");
                }
                if (keepWeights) {
                    float[] v = new float[(int) count];
                    data.asFloatBuffer().get(v);
                    params.put(pname, v);
                }
                data.position((int) (data.position() + count * 4));
            }
            for (String pname : expected.keySet()) {
                if (!params.containsKey(pname) && keepWeights) {
                    throw new CheckpointException(name + ": missing parameter " + pname);
                }
            }
            OptimizerState optimizer = header.has("optimizer")
                    ? readOptimizer(name, header.getAsJsonObject("optimizer"), expected, data, payloadEnd, keepWeights)
                    : null;
            if (data.position() != payloadEnd) {
                throw new CheckpointException(name + ": " + (payloadEnd - data.position()) + " unexpected bytes after the parameters");
            }
            whole.update(bytes, bytes.length - SHA_BYTES, SHA_BYTES);
            String fileSha = HexFormat.of().formatHex(whole.digest());
            Info info = new Info(version, model, training, vocabulary, header.get("epoch").getAsInt(),
                    header.get("lr").getAsDouble(), lossFromJson(header.get("validLoss")),
                    lossFromJson(header.get("bestValidLoss")), header.get("seed").getAsLong(),
                    header.get("corpusFingerprint").getAsString(), Instant.parse(header.get("createdAt").getAsString()),
                    fileSha, bytes.length);
            return new Checkpoint(info, params, optimizer);
        } catch (CheckpointException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CheckpointException(name + " has an invalid header: " + e.getMessage(), e);
        }
    }

    private static JsonObject optimizerJson(OptimizerState o, Map<String, NDArray> stored) {
        JsonObject j = new JsonObject();
        j.addProperty("type", o.type());
        j.addProperty("step", o.step());
        JsonArray slots = new JsonArray();
        for (Map.Entry<String, Map<String, float[]>> slot : o.slots().entrySet()) {
            slots.add(slot.getKey());
            for (Map.Entry<String, NDArray> p : stored.entrySet()) {
                float[] v = slot.getValue().get(p.getKey());
                if (v == null || v.length != p.getValue().size()) {
                    throw new IllegalArgumentException("optimizer slot " + slot.getKey() + " does not match parameter "
                            + p.getKey());
                }
            }
        }
        j.add("slots", slots);
        return j;
    }

    /** The optimizer's tensors: per slot, one per stored parameter with its shape, in the header's order. */
    private static OptimizerState readOptimizer(String name, JsonObject o, Map<String, Shape> expected, ByteBuffer data,
                                                int payloadEnd, boolean keep) {
        Map<String, Map<String, float[]>> slots = new LinkedHashMap<>();
        for (JsonElement slotName : o.getAsJsonArray("slots")) {
            Map<String, float[]> slot = new LinkedHashMap<>();
            for (Map.Entry<String, Shape> p : expected.entrySet()) {
                long count = p.getValue().size();
                if (data.position() + count * 4 > payloadEnd) {
                    throw new CheckpointException(name + " is truncated: optimizer state " + slotName.getAsString()
                            + " of " + p.getKey() + " runs past the end");
                }
                if (keep) {
                    float[] v = new float[(int) count];
                    data.asFloatBuffer().get(v);
                    slot.put(p.getKey(), v);
                }
                data.position((int) (data.position() + count * 4));
            }
            slots.put(slotName.getAsString(), slot);
        }
        return new OptimizerState(o.get("type").getAsString(), o.get("step").getAsLong(), slots);
    }

    /** A loss nobody measured (an imported model's) is NaN, which JSON cannot hold: it is left out of the header. */
    private static JsonElement lossJson(double loss) {
        return Double.isNaN(loss) ? JsonNull.INSTANCE : new JsonPrimitive(loss);
    }

    private static double lossFromJson(JsonElement e) {
        return e == null || e.isJsonNull() ? Double.NaN : e.getAsDouble();
    }

    private static Map<String, Object> modelJson(ModelConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", c.type().name());
        m.put("vocabSize", c.vocabSize());
        m.put("emsize", c.emsize());
        m.put("nhid", c.nhid());
        m.put("nlayers", c.nlayers());
        m.put("dropout", c.dropout());
        m.put("tied", c.tied());
        m.put("nhead", c.nhead());
        return m;
    }

    private static ModelConfig modelFromJson(JsonObject m) {
        if (m == null) {
            throw new CheckpointException("the header has no model section");
        }
        return new ModelConfig(ModelType.parse(m.get("type").getAsString()), m.get("vocabSize").getAsInt(),
                m.get("emsize").getAsInt(), m.get("nhid").getAsInt(), m.get("nlayers").getAsInt(),
                m.get("dropout").getAsFloat(), m.get("tied").getAsBoolean(),
                // a file from before the Transformer has no head count: the default, which recurrent models ignore
                m.has("nhead") ? m.get("nhead").getAsInt() : ModelConfig.DEFAULT_NHEAD);
    }

    private static JsonObject trainingJson(TrainConfig t) {
        JsonObject o = new JsonObject();
        TrainOptions.ALL.forEach(h -> o.add(h.name(), h.toJson(t)));
        return o;
    }

    /** Options a file does not name (one written before they existed) take their defaults. */
    private static TrainConfig trainingFromJson(JsonObject o) {
        if (o == null) {
            throw new CheckpointException("the header has no training section");
        }
        TrainConfig.Builder b = TrainConfig.builder();
        for (var h : TrainOptions.ALL) {
            if (o.has(h.name()) && !o.get(h.name()).isJsonNull()) {
                h.setFromJson(b, o.get(h.name()));
            }
        }
        return b.build();
    }

    private static void write(OutputStream out, MessageDigest sha, byte[] b) throws IOException {
        sha.update(b);
        out.write(b);
    }

    private static byte[] readAll(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CheckpointException("checkpoint " + file + " does not exist");
        } catch (IOException e) {
            throw new CheckpointException("cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    /** sha256 of a whole file, streamed. */
    public static byte[] sha256Of(Path file) throws IOException {
        MessageDigest sha = sha256();
        try (var in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                sha.update(buf, 0, n);
            }
        }
        return sha.digest();
    }

    private static MessageDigest cloneOf(MessageDigest d) {
        try {
            return (MessageDigest) d.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 digest cannot be cloned", e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }
}
