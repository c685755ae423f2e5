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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
    /** The upload form's file fields, in the order of {@link Corpus#SPLITS}. */
    public static final List<String> UPLOAD_FIELDS = List.of("train", "valid", "test");
    /** In the directory of a dataset that came through the API: only those count against the quota and can be deleted. */
    static final String UPLOADED_MARKER = ".uploaded";
    private static final String STAGING_PREFIX = ".upload-";
    private static final String REMOVING_PREFIX = ".deleting-";
    /** Staging directories older than this belong to an upload or removal a crash interrupted. */
    private static final Duration LEFTOVER_AGE = Duration.ofHours(1);
    /** The file parts of an upload. */
    static final Set<String> FIELD_SET = Set.copyOf(UPLOAD_FIELDS);

    private final Path root;
    private final long uploadQuota;

    public DatasetCatalog(TrainerSettings settings) {
        this.root = settings.dataRoot().toAbsolutePath().normalize();
        this.uploadQuota = settings.datasets().uploadQuota().asLongValue();
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
        return Optional.of(new DatasetView(name, SAMPLE.equals(name), Files.exists(dir.resolve(UPLOADED_MARKER)), sizes));
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
        for (String field : UPLOAD_FIELDS) {
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
        long size = 0;
        for (String field : UPLOAD_FIELDS) {
            size += sizeOf(uploads.get(field));
        }
        long used = uploadedBytes();
        if (used + size > uploadQuota) {
            throw new ProblemException(413, "quota-exceeded", "the upload quota is " + uploadQuota + " bytes for all uploaded datasets: "
                    + used + " are used and this upload has " + size + "; delete a dataset first");
        }
        Path staging = root.resolve(STAGING_PREFIX + UUID.randomUUID());
        try {
            Files.createDirectories(staging);
            Files.createFile(staging.resolve(UPLOADED_MARKER));
            for (int i = 0; i < UPLOAD_FIELDS.size(); i++) {
                // the request's temporary files: Quarkus would delete them at its end anyway
                Files.move(uploads.get(UPLOAD_FIELDS.get(i)), staging.resolve(Corpus.SPLITS[i]));
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

    /**
     * Removes an uploaded dataset: renamed away at once (atomically, so no run can load half of it), then deleted.
     * Whether a run still needs it is the caller's question.
     */
    public void remove(String name) {
        Path dir = directory(name).orElseThrow(() -> ProblemException.notFound("no dataset named '" + name + "'"));
        if (SAMPLE.equals(name) || !Files.exists(dir.resolve(UPLOADED_MARKER))) {
            throw ProblemException.conflict("dataset '" + name + "' was not uploaded through the API"
                    + (SAMPLE.equals(name) ? " (it is built in)" : "; remove it from the data root instead"));
        }
        Path removing = root.resolve(REMOVING_PREFIX + UUID.randomUUID());
        try {
            Files.move(dir, removing, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove dataset " + name, e);
        }
        deleteQuietly(removing);
    }

    /** Bytes of all uploaded datasets. */
    public long uploadedBytes() {
        long total = 0;
        for (DatasetView view : list()) {
            if (view.uploaded()) {
                total += view.splitBytes().values().stream().mapToLong(Long::longValue).sum();
            }
        }
        return total;
    }

    /** Deletes staging directories a crash left behind; returns how many. */
    public int removeLeftovers() {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        long cutoff = System.currentTimeMillis() - LEFTOVER_AGE.toMillis();
        int removed = 0;
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.toList()) {
                String n = dir.getFileName().toString();
                if ((n.startsWith(STAGING_PREFIX) || n.startsWith(REMOVING_PREFIX))
                        && Files.getLastModifiedTime(dir).toMillis() < cutoff) {
                    deleteQuietly(dir);
                    removed++;
                }
            }
        } catch (IOException e) {
            return removed;
        }
        return removed;
    }

    private static long sizeOf(Path file) {
        try {
            return file == null ? 0 : Files.size(file);
        } catch (IOException e) {
            return 0;
        }
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
