package dev.wordlm.corpus;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A tokenized corpus: {@code train.txt}, {@code valid.txt} and {@code test.txt} of one directory, with the
 * reference's {@code data.py} semantics: whitespace-separated words, {@code <eos>} at the end of every line, one
 * vocabulary over the three files in order of first appearance.
 *
 * @param fingerprint sha256 over the three files' bytes (train, valid, test), so a checkpoint can name its data
 */
public record Corpus(Vocabulary vocabulary, int[] train, int[] valid, int[] test, String fingerprint) {

    public static final String[] SPLITS = {"train.txt", "valid.txt", "test.txt"};

    /**
     * Why {@code file} cannot be a split of a corpus ({@link #load} would reject it): unreadable, not UTF-8, or no
     * word in it. The reason does not name the file ("is not valid UTF-8 text (...)"). Empty if it can.
     */
    public static Optional<String> problem(Path file) {
        try {
            CharBuffer text = decode(file, read(file));
            int[] words = {0};
            forEachToken(text, word -> words[0] += word == null ? 0 : 1);
            return words[0] > 0 ? Optional.empty() : Optional.of(EMPTY);
        } catch (CorpusException e) {
            return Optional.of(e.reason() != null ? e.reason() : e.getMessage());
        }
    }

    public static Corpus load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new CorpusException("corpus directory " + dir + " does not exist (it must hold train.txt, valid.txt, test.txt)");
        }
        MessageDigest sha = sha256();
        Vocabulary.Builder vocab = new Vocabulary.Builder();
        int[][] ids = new int[3][];
        for (int s = 0; s < 3; s++) {
            Path file = dir.resolve(SPLITS[s]);
            byte[] bytes = read(file);
            sha.update(bytes);
            ids[s] = tokenize(file, decode(file, bytes), vocab);
        }
        return new Corpus(vocab.build(), ids[0], ids[1], ids[2], HexFormat.of().formatHex(sha.digest()));
    }

    /**
     * Token ids of a text under a fixed vocabulary, tokenised as the corpus files are ({@code <eos>} at each line end
     * when {@code lineEnds}). Unknown words become {@code <unk>} when the vocabulary has it, and are an error naming
     * them otherwise.
     */
    public static int[] encode(String text, Vocabulary vocabulary, boolean lineEnds) {
        IntList out = new IntList(Math.max(16, text.length() / 5));
        int eos = vocabulary.id(Vocabulary.EOS);
        int unknown = vocabulary.id(Vocabulary.UNK);
        java.util.Set<String> missing = new java.util.LinkedHashSet<>();
        forEachToken(text, word -> {
            if (word == null) {
                if (lineEnds && eos >= 0) {
                    out.add(eos);
                }
                return;
            }
            int id = vocabulary.id(word);
            if (id < 0 && unknown < 0) {
                missing.add(word);
            } else {
                out.add(id >= 0 ? id : unknown);
            }
        });
        if (!missing.isEmpty()) {
            java.util.List<String> shown = missing.stream().limit(10).toList();
            throw new IllegalArgumentException("words not in the model's vocabulary: " + String.join(", ", shown)
                    + (missing.size() > 10 ? " (and " + (missing.size() - 10) + " more)" : ""));
        }
        return out.toArray();
    }

    public int vocabSize() {
        return vocabulary.size();
    }

    private static final String EMPTY = "is empty: each split needs at least one word";

    private static int[] tokenize(Path file, CharSequence text, Vocabulary.Builder vocab) {
        IntList out = new IntList(Math.max(16, text.length() / 5));
        int[] words = {0};
        forEachToken(text, word -> {
            out.add(vocab.add(word == null ? Vocabulary.EOS : word));
            words[0] += word == null ? 0 : 1;
        });
        if (words[0] == 0) {
            throw new CorpusException(file, EMPTY, null);
        }
        return out.toArray();
    }

    /** Calls {@code sink} with each word, and with {@code null} at each line end (the {@code <eos>} token). */
    static void forEachToken(CharSequence text, java.util.function.Consumer<String> sink) {
        int n = text.length();
        int start = -1;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                if (start >= 0) {
                    sink.accept(text.subSequence(start, i).toString());
                    start = -1;
                }
                sink.accept(null);
            } else if (Character.isWhitespace(c)) {
                if (start >= 0) {
                    sink.accept(text.subSequence(start, i).toString());
                    start = -1;
                }
            } else {
                if (start < 0) {
                    start = i;
                }
            }
        }
        if (start >= 0) {
            sink.accept(text.subSequence(start, n).toString());
        }
        // A last line without a trailing newline still ends with <eos>, as Python's line iteration gives it.
        if (n > 0 && text.charAt(n - 1) != '\n') {
            sink.accept(null);
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CorpusException("missing corpus file " + file + " (a corpus directory holds train.txt, valid.txt, test.txt)");
        } catch (IOException e) {
            throw new CorpusException(file, "cannot be read: " + e.getMessage(), e);
        }
    }

    private static CharBuffer decode(Path file, byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return decoder.decode(ByteBuffer.wrap(bytes));
        } catch (CharacterCodingException e) {
            throw new CorpusException(file, "is not valid UTF-8 text (" + e.getMessage() + ")", e);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    /** A growable int array, to avoid boxing a million tokens. */
    static final class IntList {
        private int[] a;
        private int n;

        IntList(int capacity) {
            a = new int[capacity];
        }

        void add(int v) {
            if (n == a.length) {
                a = java.util.Arrays.copyOf(a, a.length * 2);
            }
            a[n++] = v;
        }

        int size() {
            return n;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }
}
