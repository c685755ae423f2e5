package dev.wordlm.generator.generation;

import java.util.List;

/** Generated words as text, laid out like the reference's {@code generate.py}: spaces, a line break every 20 words. */
final class TextLayout {
    static final int WORDS_PER_LINE = 20;

    private TextLayout() {
    }

    static String of(List<String> words) {
        StringBuilder sb = new StringBuilder(words.size() * 7);
        for (int i = 0; i < words.size(); i++) {
            sb.append(words.get(i)).append(i % WORDS_PER_LINE == WORDS_PER_LINE - 1 ? '\n' : ' ');
        }
        return sb.toString();
    }
}
