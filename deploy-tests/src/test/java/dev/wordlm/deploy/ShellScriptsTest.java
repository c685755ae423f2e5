package dev.wordlm.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.kubernetes.client.openapi.models.V1Job;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ShellCheck on every shell script of the repo, and on the inline scripts of compose and the Kubernetes Job. */
class ShellScriptsTest {

    static void shellcheck(List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(Tools.require("shellcheck").toString()));
        cmd.addAll(args);
        Tools.Result r = Tools.run(cmd, Repo.ROOT);
        assertEquals(0, r.exitCode(), String.join(" ", cmd) + ":\n" + r.output());
    }

    /** Every shell script in the checkout (tracked or new): a shell shebang, a {@code .sh} name or a shellcheck directive. */
    static List<String> shellScripts() {
        Tools.Result files = Tools.run(List.of("git", "ls-files", "--cached", "--others", "--exclude-standard"), Repo.ROOT);
        assertEquals(0, files.exitCode(), files.output());
        List<String> scripts = new ArrayList<>();
        for (String name : files.stdout().split("\n")) {
            Path file = Repo.ROOT.resolve(name.strip());
            if (name.isBlank() || !Files.isRegularFile(file)) {
                continue;
            }
            if (name.endsWith(".sh") || firstLine(file).matches("#!.*\\b(ba|da)?sh\\b.*")
                    || firstLine(file).startsWith("# shellcheck shell=")) {
                scripts.add(name.strip());
            }
        }
        return scripts;
    }

    private static String firstLine(Path file) {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            String line = r.readLine();
            return line == null ? "" : line;
        } catch (IOException e) {
            return "";
        }
    }

    @Test
    void theScriptsPassShellcheck() {
        List<String> scripts = shellScripts();
        for (String known : List.of("lm", ".ci/run", "scripts/test", "scripts/up", "scripts/postgres", "scripts/kafka")) {
            assertTrue(scripts.contains(known), known + " is found as a script: " + scripts);
        }
        // -x follows `. scripts/native-env.sh` (paths in `# shellcheck source=` are relative to the repo root)
        List<String> args = new ArrayList<>(List.of("-x"));
        args.addAll(scripts);
        shellcheck(args);
    }

    @Test
    void theInlineTopicScriptsPassShellcheck(@TempDir Path tmp) throws IOException {
        String compose = ComposeFile.joined(ComposeFile.read("docker-compose.yml").service("kafka-init").get("command"))
                .replace("$$", "$");
        V1Job job = Kube.loadStrict(Repo.read("k8s/base/kafka.yaml"), "kafka.yaml").stream()
                .filter(V1Job.class::isInstance).map(V1Job.class::cast).findFirst().orElseThrow();
        String k8s = String.join("\n", job.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs());
        Path a = Files.writeString(tmp.resolve("kafka-init.sh"), compose);
        Path b = Files.writeString(tmp.resolve("kafka-topics-job.sh"), k8s);
        // Both run as `bash -ec SCRIPT`.
        shellcheck(List.of("--shell=bash", a.toString(), b.toString()));
    }
}
