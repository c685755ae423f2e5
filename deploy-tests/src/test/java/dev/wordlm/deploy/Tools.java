package dev.wordlm.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** External validators and scripts, run as processes. */
final class Tools {
    static final String INSTALL_HINT = "run scripts/install-deploy-tools.sh (CI's .ci/run does)";

    /** Exit code, standard output, and both streams together (for failure messages). */
    record Result(int exitCode, String stdout, String stderr) {
        String output() {
            return stderr.isEmpty() ? stdout : stdout + stderr;
        }
    }

    private Tools() {
    }

    static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** A tool the tests cannot do without: its absence fails the test, it never skips it. */
    static Path require(String name) {
        return onPath(name).orElseGet(() -> fail(name + " is not installed: " + INSTALL_HINT));
    }

    /** The Dockerfile linter, from the project's npm tool folder or the PATH. */
    static Path dockerfileLinter() {
        Path local = Repo.path(".cache/deploy-tools/node_modules/.bin/dockerfile-utils");
        if (Files.isExecutable(local)) {
            return local;
        }
        return require("dockerfile-utils");
    }

    static Result run(List<String> command, Path dir, Map<String, String> env, Duration timeout) {
        try {
            Path out = Files.createTempFile("deploy-tests", ".out");
            Path err = Files.createTempFile("deploy-tests", ".err");
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", command) + " did not finish within " + timeout);
            }
            Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static Result run(List<String> command, Path dir) {
        return run(command, dir, Map.of(), Duration.ofMinutes(2));
    }
}
