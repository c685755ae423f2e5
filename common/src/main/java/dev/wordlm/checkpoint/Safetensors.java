package dev.wordlm.checkpoint;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors file format of the Hugging Face ecosystem, float32 tensors only: an unsigned little-endian int64
 * header length, a UTF-8 JSON header mapping each tensor name to {@code dtype}, {@code shape} and
 * {@code data_offsets} (begin and end, relative to the end of the header) plus an optional {@code __metadata__} map
 * of strings, then the tensors' bytes (little-endian, row-major), back to back.
 *
 * <p>Reading checks what the format's own reader checks: the offsets tile the data with no gap, overlap or trailing
 * byte, and each tensor's byte count is its shape's element count times the dtype's size.
 */
public final class Safetensors {
    public static final String FILE_EXTENSION = ".safetensors";
    static final String F32 = "F32";
    private static final String METADATA = "__metadata__";
    /** The format's own reader refuses larger headers. */
    private static final long MAX_HEADER_BYTES = 100_000_000L;

    private Safetensors() {
    }

    /** One float32 tensor: its shape (outermost dimension first) and its values, row-major. */
    public record Tensor(long[] shape, float[] values) {
        public Tensor {
            long n = 1;
            for (long d : shape) {
                if (d < 0) {
                    throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
                }
                n *= d;
            }
            if (n != values.length) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n + " values, got "
                        + values.length);
            }
        }
    }

    /** A file's tensors in the order of their data, and its metadata (empty when it has none). */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
    }

    /** Writes tensors in the given order, then renames into place, so a reader never sees half a file. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        JsonObject header = new JsonObject();
        if (!metadata.isEmpty()) {
            JsonObject meta = new JsonObject();
            metadata.forEach(meta::addProperty);
            header.add(METADATA, meta);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey().equals(METADATA)) {
                throw new IllegalArgumentException("a tensor cannot be named " + METADATA);
            }
            JsonObject t = new JsonObject();
            t.addProperty("dtype", F32);
            JsonArray shape = new JsonArray();
            for (long d : e.getValue().shape()) {
                shape.add(d);
            }
            t.add("shape", shape);
            long end = offset + 4L * e.getValue().values().length;
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offsets.add(end);
            t.add("data_offsets", offsets);
            header.add(e.getKey(), t);
            offset = end;
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        // Padded with spaces to a multiple of 8, as the format's writer does, so the data starts 8-byte aligned.
        int padded = (json.length + 7) / 8 * 8;
        byte[] head = Arrays.copyOf(json, padded);
        Arrays.fill(head, json.length, padded, (byte) ' ');

        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
                out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(head.length).array());
                out.write(head);
                for (Tensor t : tensors.values()) {
                    ByteBuffer buf = ByteBuffer.allocate(t.values().length * 4).order(ByteOrder.LITTLE_ENDIAN);
                    buf.asFloatBuffer().put(t.values());
                    out.write(buf.array());
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
        } catch (IOException e) {
            throw new CheckpointException("cannot write " + file + ": " + e.getMessage(), e);
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

    public static Contents read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(file + " does not exist");
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return read(file.toString(), bytes);
    }

    /** Parses and checks a whole file's bytes; {@code name} is what error messages call it. */
    public static Contents read(String name, byte[] bytes) {
        if (bytes.length < 8) {
            throw new CheckpointException(name + " is not a safetensors file: only " + bytes.length + " bytes");
        }
        long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || 8 + headerLength > bytes.length) {
            throw new CheckpointException(name + " is not a safetensors file or is truncated: header length "
                    + Long.toUnsignedString(headerLength) + " does not fit in " + bytes.length + " bytes");
        }
        int dataStart = 8 + (int) headerLength;
        JsonObject header;
        try {
            header = JsonParser.parseString(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new CheckpointException(name + " has an unreadable safetensors header: " + e.getMessage(), e);
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        record Entry(String name, long[] shape, long begin, long end) {
        }
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, JsonElement> e : header.entrySet()) {
            if (e.getKey().equals(METADATA)) {
                readMetadata(name, e.getValue(), metadata);
                continue;
            }
            String tensor = e.getKey();
            try {
                JsonObject t = e.getValue().getAsJsonObject();
                String dtype = t.get("dtype").getAsString();
                if (!F32.equals(dtype)) {
                    throw new CheckpointException(name + ": tensor " + tensor + " has dtype " + dtype
                            + "; only F32 (float32) is supported: convert the model with .float() before saving");
                }
                JsonArray dims = t.getAsJsonArray("shape");
                long[] shape = new long[dims.size()];
                long count = 1;
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = dims.get(i).getAsLong();
                    if (shape[i] < 0) {
                        throw new CheckpointException(name + ": tensor " + tensor + " has a negative dimension");
                    }
                    count = Math.multiplyExact(count, shape[i]);
                }
                JsonArray offsets = t.getAsJsonArray("data_offsets");
                if (offsets.size() != 2) {
                    throw new CheckpointException(name + ": tensor " + tensor + " needs two data_offsets");
                }
                long begin = offsets.get(0).getAsLong();
                long end = offsets.get(1).getAsLong();
                if (begin < 0 || end - begin != Math.multiplyExact(count, 4L)) {
                    throw new CheckpointException(name + ": tensor " + tensor + " has data_offsets [" + begin + ", " + end
                            + "], which do not hold " + count + " float32 values");
                }
                entries.add(new Entry(tensor, shape, begin, end));
            } catch (CheckpointException ex) {
                throw ex;
            } catch (RuntimeException ex) {
                throw new CheckpointException(name + ": tensor " + tensor + " has an invalid description: " + ex.getMessage(), ex);
            }
        }
        entries.sort(Comparator.comparingLong(Entry::begin));
        long expected = 0;
        for (Entry e : entries) {
            if (e.begin() != expected) {
                throw new CheckpointException(name + ": tensor " + e.name() + " starts at byte " + e.begin()
                        + " of the data, expected " + expected + " (the tensors must tile the data without gaps or overlaps)");
            }
            expected = e.end();
        }
        if (dataStart + expected != bytes.length) {
            throw new CheckpointException(name + " is truncated or has trailing bytes: its header describes " + expected
                    + " bytes of data, the file holds " + (bytes.length - dataStart));
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        ByteBuffer data = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (Entry e : entries) {
            float[] values = new float[(int) ((e.end() - e.begin()) / 4)];
            data.position((int) (dataStart + e.begin()));
            data.asFloatBuffer().get(values);
            tensors.put(e.name(), new Tensor(e.shape(), values));
        }
        return new Contents(Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
    }

    private static void readMetadata(String name, JsonElement element, Map<String, String> into) {
        if (!element.isJsonObject()) {
            throw new CheckpointException(name + ": " + METADATA + " must be a map of strings");
        }
        for (Map.Entry<String, JsonElement> m : element.getAsJsonObject().entrySet()) {
            JsonElement v = m.getValue();
            if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
                throw new CheckpointException(name + ": " + METADATA + " value " + m.getKey() + " is not a string");
            }
            into.put(m.getKey(), v.getAsString());
        }
    }
}
