package dev.wordlm.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesObject;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Kubernetes YAML through the official client's models, and kustomize overlays rendered offline. */
final class Kube {
    private Kube() {
    }

    /**
     * Every document of {@code yaml} as a typed model of the official client. Its loader rejects
     * unknown fields and values of the wrong type; a kind it has no model for (a CRD such as
     * Strimzi's Kafka) would come back as a DynamicKubernetesObject, which is refused here too.
     */
    static List<KubernetesObject> loadStrict(String yaml, String origin) {
        List<Object> docs;
        try {
            docs = io.kubernetes.client.util.Yaml.loadAll(yaml);
        } catch (IOException | RuntimeException e) {
            throw new AssertionError(origin + " is not valid Kubernetes: " + rootMessage(e), e);
        }
        List<KubernetesObject> out = new ArrayList<>();
        for (Object doc : docs) {
            if (doc == null) {
                continue;
            }
            if (doc instanceof DynamicKubernetesObject d) {
                fail(origin + ": " + d.getApiVersion() + "/" + d.getKind() + " is not a core Kubernetes type");
            }
            if (!(doc instanceof KubernetesObject k)) {
                throw new AssertionError(origin + ": not a Kubernetes object: " + doc);
            }
            out.add(k);
        }
        return out;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = String.valueOf(t.getMessage());
        // SnakeYAML's message repeats each enclosing object; its first line names the problem.
        return m.lines().findFirst().orElse(m);
    }

    /**
     * The overlay rendered by kustomize: a standalone `kustomize` if installed, else kubectl's
     * built-in one. Neither needs a cluster.
     */
    static String kustomize(Path dir) {
        List<String> cmd;
        Optional<Path> kustomize = Tools.onPath("kustomize");
        if (kustomize.isPresent()) {
            cmd = List.of(kustomize.get().toString(), "build", dir.toString());
        } else {
            Path kubectl = Tools.onPath("kubectl").orElseGet(() -> fail(
                    "neither kustomize nor kubectl is installed, so the overlays cannot be rendered: "
                            + "install kubectl (it embeds kustomize) or kustomize"));
            cmd = List.of(kubectl.toString(), "kustomize", dir.toString());
        }
        Tools.Result r = Tools.run(cmd, Repo.ROOT);
        if (r.exitCode() != 0) {
            fail(String.join(" ", cmd) + " failed:\n" + r.output());
        }
        return r.stdout();
    }

    static <T extends KubernetesObject> List<T> all(List<KubernetesObject> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    static <T extends KubernetesObject> T named(List<KubernetesObject> objects, Class<T> type, String name) {
        return all(objects, type).stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst()
                .orElseGet(() -> fail("no " + type.getSimpleName() + " named " + name));
    }
}
