package dev.wordlm.corpus;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Words and their indices, in order of first appearance (the reference's {@code data.Dictionary}). */
public final class Vocabulary {
    public static final String EOS = "<eos>";
    /** The unknown-word token of corpora such as PTB; when present, unknown words of a text map to it. */
    public static final String UNK = "<unk>";

    private final List<String> words;
    private final Map<String, Integer> index;

    private Vocabulary(List<String> words, Map<String, Integer> index) {
        this.words = words;
        this.index = index;
    }

    /** Builds a vocabulary from words that must be distinct. */
    public static Vocabulary of(List<String> words) {
        Builder b = new Builder();
        for (String w : words) {
            if (b.contains(w)) {
                throw new IllegalArgumentException("duplicate word in vocabulary: '" + w + "'");
            }
            b.add(w);
        }
        return b.build();
    }

    public int size() {
        return words.size();
    }

    public String word(int id) {
        return words.get(id);
    }

    /** Index of a word, or -1 if it is not in the vocabulary. */
    public int id(String word) {
        Integer i = index.get(word);
        return i == null ? -1 : i;
    }

    public boolean contains(String word) {
        return index.containsKey(word);
    }

    public List<String> words() {
        return words;
    }

    /** Grows a vocabulary word by word, keeping first-appearance order. */
    public static final class Builder {
        private final List<String> words = new ArrayList<>();
        private final Map<String, Integer> index = new HashMap<>();

        /** Adds a word if new; returns its index either way. */
        public int add(String word) {
            Integer i = index.get(word);
            if (i != null) {
                return i;
            }
            int id = words.size();
            words.add(word);
            index.put(word, id);
            return id;
        }

        public boolean contains(String word) {
            return index.containsKey(word);
        }

        public Vocabulary build() {
            return new Vocabulary(Collections.unmodifiableList(new ArrayList<>(words)), new HashMap<>(index));
        }
    }
}
