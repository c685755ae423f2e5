package dev.wordlm.generation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.wordlm.corpus.Corpus;
import dev.wordlm.corpus.SampleCorpus;
import dev.wordlm.train.TrainConfig;
import dev.wordlm.train.Trainer;
import dev.wordlm.train.TrainingResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LanguageModelTest {
    @TempDir
    static Path dir;
    static Path checkpoint;
    static TrainingResult trained;
    static Corpus corpus;

    @BeforeAll
    static void train() {
        train(TrainConfig.builder().size(24).epochs(4).dropout(0).seed(1).logInterval(1000).build());
    }

    /** Trains the checkpoint every test reads (a subclass hides {@link #train()} to test another model type). */
    static void train(TrainConfig config) {
        corpus = Corpus.load(new SampleCorpus(15, 3, 20_000, 2_000, 2_000, 4).writeTo(dir.resolve("data")));
        checkpoint = dir.resolve("m.wlm");
        trained = new Trainer(config, corpus, checkpoint, null, null, null).train();
    }

    static List<String> words(LanguageModel lm, GenerationRequest r) {
        List<String> out = new ArrayList<>();
        try (LanguageModel.Generation g = lm.generate(r)) {
            g.forEachRemaining(out::add);
        }
        return out;
    }

    @Test
    void seededRequestsGiveTheSameWordsAloneAndInABatch() {
        List<GenerationRequest> requests = List.of(
                GenerationRequest.of(120, 1.0, 1L),
                new GenerationRequest(80, 0.7, 2L, corpus.vocabulary().word(3) + " " + corpus.vocabulary().word(4), 0, 1.0),
                new GenerationRequest(150, 1.3, 3L, null, 5, 1.0),
                new GenerationRequest(40, 1.0, 4L, null, 0, 0.9),
                GenerationRequest.of(100, 0.5, 5L),
                new GenerationRequest(60, 1.0, 6L, corpus.vocabulary().word(1), 3, 0.8));
        try (LanguageModel lm = LanguageModel.load(checkpoint, Device.cpu())) {
            List<List<String>> alone = new ArrayList<>();
            for (GenerationRequest r : requests) {
                alone.add(words(lm, r));
            }
            // all at once, the last three joining after 25 steps; each leaves the step it finishes
            List<List<String>> together = new ArrayList<>();
            List<LanguageModel.Generation> live = new ArrayList<>();
            List<Integer> owner = new ArrayList<>();
            for (int i = 0; i < requests.size(); i++) {
                together.add(new ArrayList<>());
            }
            for (int step = 0; step < 400; step++) {
                if (step == 0 || step == 25) {
                    for (int i = step == 0 ? 0 : 3; i < (step == 0 ? 3 : 6); i++) {
                        live.add(lm.generate(requests.get(i)));
                        owner.add(i);
                    }
                }
                if (live.isEmpty()) {
                    break;
                }
                int[] ids = lm.nextIds(live);
                for (int b = ids.length - 1; b >= 0; b--) {
                    together.get(owner.get(b)).add(lm.vocabulary().word(ids[b]));
                    if (!live.get(b).hasNext()) {
                        live.remove(b);
                        owner.remove(b);
                    }
                }
            }
            assertEquals(alone, together);
        }
    }

    @Test
    void sameSeedSameTextAndOtherSeedOtherText() {
        try (LanguageModel lm = LanguageModel.load(checkpoint, Device.cpu())) {
            List<String> a = words(lm, GenerationRequest.of(200, 1.0, 42L));
            List<String> b = words(lm, GenerationRequest.of(200, 1.0, 42L));
            assertEquals(200, a.size());
            assertEquals(a, b);
            assertNotEquals(a, words(lm, GenerationRequest.of(200, 1.0, 43L)));
            assertTrue(a.stream().allMatch(w -> lm.vocabulary().contains(w)));
        }
    }

    @Test
    void generatedTextFollowsTheLearnedDistribution() {
        // Text the model writes at temperature 1 scores near the model's own test perplexity.
        try (LanguageModel lm = LanguageModel.load(checkpoint, Device.cpu())) {
            String text = String.join(" ", words(lm, GenerationRequest.of(3000, 1.0, 7L))).replace("<eos>", "\n");
            double ppl = lm.score(text).perplexity();
            assertEquals(trained.testPerplexity(), ppl, 0.15 * trained.testPerplexity(), "generated text ppl " + ppl);
            // low temperature concentrates on likely words: lower perplexity than at temperature 1
            String cold = String.join(" ", words(lm, GenerationRequest.of(3000, 0.3, 7L))).replace("<eos>", "\n");
            assertTrue(lm.score(cold).perplexity() < ppl * 0.9);
        }
    }

    @Test
    void scoreMatchesTheTrainersTestPerplexity() throws Exception {
        try (LanguageModel lm = LanguageModel.load(checkpoint, Device.cpu())) {
            LanguageModel.ScoreResult r = lm.score(Files.readString(dir.resolve("data/test.txt")));
            // ten columns from zero states, as the trainer's evaluation reads the test set: the same figure
            assertEquals(LanguageModel.SCORE_COLUMNS, r.columns());
            int rows = corpus.test().length / LanguageModel.SCORE_COLUMNS;
            assertEquals((rows - 1) * LanguageModel.SCORE_COLUMNS, r.tokens());
            assertEquals(trained.testPerplexity(), r.perplexity(), 1e-3 * trained.testPerplexity());
            // a short text is one stream
            String head = corpus.vocabulary().word(0) + " " + corpus.vocabulary().word(1) + " " + corpus.vocabulary().word(2);
            LanguageModel.ScoreResult shortText = lm.score(head);
            assertEquals(1, shortText.columns());
        }
    }

    @Test
    void topKOneIsGreedyWhateverTheSeed() {
        try (LanguageModel lm = LanguageModel.load(checkpoint, Device.cpu())) {
            String prompt = corpus.vocabulary().word(0) + " " + corpus.vocabulary().word(1);
            GenerationRequest a = new GenerationRequest(50, 1.0, 1L, prompt, 1, 1.0);
            GenerationRequest b = new GenerationRequest(50, 1.0, 999L, prompt, 1, 1.0);
            assertEquals(words(lm, a), words(lm, b));
        }
    }

    @Test
    void promptConditionsTheContinuation() {
        try (LanguageModel lm = LanguageModel.load(checkpoint, Device.cpu())) {
            String first = corpus.vocabulary().word(0);
            List<String> greedyA = words(lm, new GenerationRequest(5, 1.0, 1L, first, 1, 1.0));
            List<String> greedyB = words(lm, new GenerationRequest(5, 1.0, 1L, "<eos> " + first + " " + first, 1, 1.0));
            assertEquals(5, greedyA.size());
            assertFalse(greedyA.isEmpty() || greedyB.isEmpty());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> lm.generate(new GenerationRequest(5, 1.0, 1L, "zebra", 0, 1.0)));
            assertTrue(e.getMessage().contains("zebra"), e.getMessage());
        }
    }

    @Test
    void invalidRequestsNameTheirFields() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GenerationRequest(0, 1e-4, 1L, null, -1, 1.5).validated(1000, 100));
        for (String f : List.of("words", "temperature", "topK", "topP")) {
            assertTrue(e.getMessage().contains(f + ":"), e.getMessage());
        }
        assertTrue(e.getMessage().contains("has to be greater or equal 1e-3"));
    }

    @Test
    void closedModelFreesAfterItsLastRequest() {
        LanguageModel lm = LanguageModel.load(checkpoint, Device.cpu());
        assertTrue(lm.retain());
        lm.close(); // still in use by the retained request
        assertEquals(10, words(lm, GenerationRequest.of(10, 1.0, 1L)).size());
        lm.release();
        assertFalse(lm.retain(), "a released model refuses new requests");
    }
}
