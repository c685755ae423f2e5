package dev.wordlm.corpus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusTest {
    @TempDir
    Path dir;

    private void write(String train, String valid, String test) throws Exception {
        Files.writeString(dir.resolve("train.txt"), train);
        Files.writeString(dir.resolve("valid.txt"), valid);
        Files.writeString(dir.resolve("test.txt"), test);
    }

    @Test
    void tokenizesLikeDataPy() throws Exception {
        write(" a b  c \n\nb a\n", "c d\n", "e a");
        Corpus c = Corpus.load(dir);
        // vocabulary in order of first appearance over train, valid, test; <eos> at every line end
        assertEquals(List.of("a", "b", "c", "<eos>", "d", "e"), c.vocabulary().words());
        assertArrayEquals(new int[] {0, 1, 2, 3, 3, 1, 0, 3}, c.train());
        assertArrayEquals(new int[] {2, 4, 3}, c.valid());
        // a last line without a newline still ends with <eos>, as Python's line iteration yields it
        assertArrayEquals(new int[] {5, 0, 3}, c.test());
    }

    @Test
    void fingerprintFollowsTheBytes() throws Exception {
        write("a b\n", "a\n", "b\n");
        String first = Corpus.load(dir).fingerprint();
        assertEquals(first, Corpus.load(dir).fingerprint());
        Files.writeString(dir.resolve("test.txt"), "a\n");
        assertNotEquals(first, Corpus.load(dir).fingerprint());
    }

    @Test
    void missingFileIsNamed() throws Exception {
        Files.writeString(dir.resolve("train.txt"), "a\n");
        Files.writeString(dir.resolve("valid.txt"), "a\n");
        CorpusException e = assertThrows(CorpusException.class, () -> Corpus.load(dir));
        assertTrue(e.getMessage().contains("missing corpus file") && e.getMessage().contains("test.txt"), e.getMessage());
    }

    @Test
    void missingDirectoryIsNamed() {
        CorpusException e = assertThrows(CorpusException.class, () -> Corpus.load(dir.resolve("nope")));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void emptyFileIsRejected() throws Exception {
        write("a\n", "", "a\n");
        CorpusException e = assertThrows(CorpusException.class, () -> Corpus.load(dir));
        assertTrue(e.getMessage().contains("valid.txt is empty"), e.getMessage());
    }

    @Test
    void aFileOfBlankLinesIsEmptyToo() throws Exception {
        write("a\n", " \n\n\t\n", "a\n");
        CorpusException e = assertThrows(CorpusException.class, () -> Corpus.load(dir));
        assertTrue(e.getMessage().contains("valid.txt is empty"), e.getMessage());
    }

    @Test
    void oneSplitsProblemIsTheRuleLoadApplies() throws Exception {
        write("a b\n", " \n\n", "c\n");
        Files.write(dir.resolve("test.txt"), new byte[] {'a', (byte) 0xC3, '\n'});
        assertEquals(java.util.Optional.empty(), Corpus.problem(dir.resolve("train.txt")));
        String blank = Corpus.problem(dir.resolve("valid.txt")).orElseThrow();
        String latin = Corpus.problem(dir.resolve("test.txt")).orElseThrow();
        assertTrue(blank.startsWith("is empty"), blank);
        assertTrue(latin.startsWith("is not valid UTF-8"), latin);
        assertFalse(blank.contains(dir.toString()) || latin.contains(dir.toString()), "reasons do not name the file");
    }

    @Test
    void nonUtf8FileIsRejected() throws Exception {
        write("a\n", "a\n", "a\n");
        Files.write(dir.resolve("train.txt"), new byte[] {'a', ' ', (byte) 0xC3, (byte) 0x28, '\n'});
        CorpusException e = assertThrows(CorpusException.class, () -> Corpus.load(dir));
        assertTrue(e.getMessage().contains("train.txt is not valid UTF-8"), e.getMessage());
    }

    @Test
    void unicodeWordsAreKept() throws Exception {
        write("naïve café\n", "café\n", "naïve\n");
        Corpus c = Corpus.load(dir);
        assertEquals(List.of("naïve", "café", "<eos>"), c.vocabulary().words());
    }

    @Test
    void encodeUsesAFixedVocabulary() throws Exception {
        write("a b\n", "a\n", "b\n");
        Vocabulary v = Corpus.load(dir).vocabulary();
        assertArrayEquals(new int[] {1, 0, 2}, Corpus.encode("b a\n", v, true));
        assertArrayEquals(new int[] {1, 0}, Corpus.encode("b a\n", v, false));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Corpus.encode("zebra a\n", v, true));
        assertTrue(e.getMessage().endsWith("vocabulary: zebra"), e.getMessage());
        // with <unk> in the vocabulary, unknown words map to it
        Files.writeString(dir.resolve("test.txt"), "b <unk>\n");
        Vocabulary withUnk = Corpus.load(dir).vocabulary();
        assertArrayEquals(new int[] {withUnk.id("<unk>"), withUnk.id("a")}, Corpus.encode("zebra a", withUnk, false));
    }
}
