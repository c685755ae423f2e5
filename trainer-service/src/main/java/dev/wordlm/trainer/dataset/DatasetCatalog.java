package dev.wordlm.trainer.dataset;

import dev.wordlm.corpus.Corpus;
import dev.wordlm.corpus.CorpusException;
import dev.wordlm.corpus.SampleCorpus;
import dev.wordlm.problem.ProblemException;
import dev.wordlm.problem.Echo;
import dev.wordlm.problem.FieldProblem;
import dev.wordlm.trainer.config.TrainerSettings;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The datasets under {@code wordlm.data-root}: one directory per dataset with train.txt, valid.txt and test.txt.
 * {@code sample} is generated there on first use. Names are restricted to {@link #NAME}, so a name can never
 * reach outside the root.
 */
@ApplicationScoped
public class DatasetCatalog {
    public static final String SAMPLE = "sample";
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    public static final String NAME_RULE = "lower-case letters, digits, '-' and '_', starting with a letter or digit, "
            + "at most 64 characters";
    private static final String[] FIELDS = {"train", "valid", "test"};
    /** The file parts of an upload. */
    static final java.util.Set<String> FIELD_SET = java.util.Set.of(FIELDS);

    private final Path root;

    public DatasetCatalog(TrainerSettings settings) {
        this.root = settings.dataRoot().toAbsolutePath().normalize();
    }

    /** What is wrong with a dataset name a run asks for, if anything. */
    public Optional<String> problem(String name) {
        if (name == null || name.isBlank()) {
            return Optional.of("is required, e.g. \"" + SAMPLE + "\"");
        }
        if (!NAME.matcher(name).matches()) {
            return Optional.of("is not a dataset name (" + NAME_RULE + ")");
        }
        if (!exists(name)) {
            return Optional.of("unknown dataset " + Echo.of(name) + "; available: " + String.join(", ", names()));
        }
        return Optional.empty();
    }

    public boolean exists(String name) {
        // The sample always exists: it is written on first use, not when a name is checked.
        return SAMPLE.equals(name) || directory(name).isPresent();
    }

    public List<String> names() {
        return list().stream().map(DatasetView::name).toList();
    }

    public List<DatasetView> list() {
        List<DatasetView> out = new ArrayList<>();
        out.add(view(SAMPLE).orElseThrow());
        if (Files.isDirectory(root)) {
            try (Stream<Path> dirs = Files.list(root)) {
                dirs.map(d -> d.getFileName().toString())
                        .filter(n -> !SAMPLE.equals(n) && NAME.matcher(n).matches())
                        .sorted()
                        .forEach(n -> view(n).ifPresent(out::add));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list datasets in " + root, e);
            }
        }
        return out;
    }

    public Optional<DatasetView> view(String name) {
        Optional<Path> found = directory(name);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Path dir = found.get();
        Map<String, Long> sizes = new LinkedHashMap<>();
        for (String split : Corpus.SPLITS) {
            try {
                sizes.put(split, Files.size(dir.resolve(split)));
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        return Optional.of(new DatasetView(name, SAMPLE.equals(name), sizes));
    }

    /** Loads a dataset for training; {@link CorpusException} when its files are unusable. */
    public Corpus load(String name) {
        Path dir = directory(name).orElseThrow(() -> new CorpusException(validName(name)
                ? "dataset '" + name + "' does not exist (any more) under the data root"
                : Echo.of(name) + " is not a dataset name"));
        return Corpus.load(dir);
    }

    /** Text holds no NUL byte: one is binary data, or text in another encoding than UTF-8. */
    private static Optional<String> nulByte(Path file) {
        try (java.io.InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            long offset = 0;
            for (int n; (n = in.read(buffer)) > 0; offset += n) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == 0) {
                        return Optional.of("contains a NUL byte (at byte " + (offset + i) + "): not a text file");
                    }
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read an uploaded file", e);
        }
    }

    /**
     * Adds a dataset from uploaded files (keys train, valid, test). Each must be non-empty UTF-8 text with at least
     * one word; the dataset appears at once and complete, or not at all.
     */
    public DatasetView add(String name, Map<String, Path> uploads) {
        List<FieldProblem> errors = new ArrayList<>();
        if (!validName(name)) {
            errors.add(new FieldProblem("name", name == null || name.isBlank() ? "is required" : "must be " + NAME_RULE));
        }
        for (String field : FIELDS) {
            Path file = uploads.get(field);
            if (file == null) {
                errors.add(new FieldProblem(field, "is required: a text file, one sentence per line"));
            } else {
                Corpus.problem(file).or(() -> nulByte(file))
                        .ifPresent(p -> errors.add(new FieldProblem(field, p))); // what training would reject
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        if (exists(name)) {
            throw ProblemException.conflict("dataset '" + name + "' already exists");
        }
        Path staging = root.resolve(".upload-" + UUID.randomUUID());
        try {
            Files.createDirectories(staging);
            for (int i = 0; i < FIELDS.length; i++) {
                // the request's temporary files: Quarkus would delete them at its end anyway
                Files.move(uploads.get(FIELDS[i]), staging.resolve(Corpus.SPLITS[i]));
            }
            Files.move(staging, root.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            throw ProblemException.conflict("dataset '" + name + "' already exists");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store dataset " + name, e);
        } finally {
            deleteQuietly(staging);
        }
        return view(name).orElseThrow();
    }

    /** The built-in sample corpus, written on first use (identical bytes every time, so a rewrite is harmless). */
    synchronized Path sampleDirectory() {
        Path dir = root.resolve(SAMPLE);
        if (!complete(dir)) {
            SampleCorpus.standard().writeTo(dir);
        }
        return dir;
    }

    private static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /**
     * The directory of a complete dataset (all its splits present), if {@code name} names one; the sample is
     * written first if needed.
     */
    private Optional<Path> directory(String name) {
        if (!validName(name)) {
            return Optional.empty();
        }
        Path dir = SAMPLE.equals(name) ? sampleDirectory() : root.resolve(name);
        return complete(dir) ? Optional.of(dir) : Optional.empty();
    }

    private static boolean complete(Path dir) {
        for (String split : Corpus.SPLITS) {
            if (!Files.isRegularFile(dir.resolve(split))) {
                return false;
            }
        }
        return true;
    }

    private static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover staging directory is hidden from the catalog and harmless
        }
    }
}
