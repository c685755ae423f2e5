package dev.wordlm.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.kubernetes.client.openapi.models.V1Job;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ShellCheck on every shell script of the repo, and on the inline scripts of compose and the Kubernetes Job. */
class ShellScriptsTest {

    static void shellcheck(List<String> args) {
        List<String> cmd = new java.util.ArrayList<>(List.of(Tools.require("shellcheck").toString()));
        cmd.addAll(args);
        Tools.Result r = Tools.run(cmd, Repo.ROOT);
        assertEquals(0, r.exitCode(), String.join(" ", cmd) + ":\n" + r.output());
    }

    @Test
    void theScriptsPassShellcheck() {
        // -x follows `. scripts/native-env.sh` (paths in `# shellcheck source=` are relative to the repo root)
        shellcheck(List.of("-x", "lm", ".ci/run", "bench/run", "docker/extract-djl-natives.sh",
                "scripts/check-cuda-profile", "scripts/fetch-ptb.sh", "scripts/install-deploy-tools.sh", "scripts/kafka",
                "scripts/native-env.sh", "scripts/postgres", "scripts/up"));
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
