package dev.wordlm.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1EnvFromSource;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1PodSecurityContext;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.openapi.models.V1Probe;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1SecretKeySelector;
import io.kubernetes.client.openapi.models.V1SecurityContext;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.openapi.models.V1Toleration;
import io.kubernetes.client.openapi.models.V1Volume;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import io.kubernetes.client.openapi.models.V2HorizontalPodAutoscaler;
import io.kubernetes.client.openapi.models.V2MetricSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * k8s/: every file, and the output of both overlays, through the official Kubernetes models in
 * strict mode; then the facts that make the deployment work, checked against the services'
 * configuration, the Dockerfiles and docker-compose.yml.
 */
class KubernetesManifestsTest {
    static final String NAMESPACE = "wordlm";
    static final String TRAINER = "trainer-service";
    static final String GENERATOR = "generator-service";
    static final String GPU = "nvidia.com/gpu";

    private static final Map<String, List<KubernetesObject>> RENDERED = new ConcurrentHashMap<>();

    static List<KubernetesObject> rendered(String overlay) {
        return RENDERED.computeIfAbsent(overlay, o -> Kube.loadStrict(
                Kube.kustomize(Repo.path("k8s/overlays/" + o)), "kustomize build k8s/overlays/" + o));
    }

    // ------------------------------------------------------------------ the files themselves

    @Test
    void theStrictLoaderRejectsUnknownFieldsWrongTypesAndUnknownKinds() {
        // The checks below are only as good as the loader's strictness: pin it.
        String ok = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec: {replicas: 2}\n";
        assertEquals(1, Kube.loadStrict(ok, "ok").size());
        assertThrows(AssertionError.class, () -> Kube.loadStrict(ok.replace("replicas", "replicaz"), "typo"));
        assertThrows(AssertionError.class, () -> Kube.loadStrict(ok.replace("2", "two"), "type"));
        assertThrows(AssertionError.class, () -> Kube.loadStrict(
                "apiVersion: kafka.strimzi.io/v1beta2\nkind: Kafka\nmetadata: {name: x}\n", "crd"));
    }

    @Test
    void everyManifestFileParsesAsCoreKubernetesTypes() {
        List<Path> files = yamlFiles().stream().filter(p -> !isKustomization(p)).toList();
        assertTrue(files.size() >= 8, "manifests: " + files);
        for (Path f : files) {
            List<KubernetesObject> objects = Kube.loadStrict(read(f), Repo.ROOT.relativize(f).toString());
            assertFalse(objects.isEmpty(), f + " holds no object");
            objects.forEach(o -> assertNotNull(o.getMetadata().getName(), f + ": an object without a name"));
        }
    }

    @Test
    void kustomizationsReferenceFilesThatExist() {
        for (Path k : yamlFiles().stream().filter(KubernetesManifestsTest::isKustomization).toList()) {
            Map<String, Object> doc = new org.yaml.snakeyaml.Yaml().load(read(k));
            List<String> refs = new ArrayList<>();
            ComposeFile.list(doc.get("resources")).forEach(r -> refs.add(String.valueOf(r)));
            ComposeFile.list(doc.get("patches")).forEach(p -> refs.add(String.valueOf(ComposeFile.map(p).get("path"))));
            assertFalse(refs.isEmpty(), k + " references nothing");
            for (String ref : refs) {
                assertTrue(Files.exists(k.getParent().resolve(ref)), k + " references missing " + ref);
            }
        }
    }

    // ------------------------------------------------------------------ both overlays

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void theOverlayRendersCoreTypesAllInTheWordlmNamespace(String overlay) {
        List<KubernetesObject> objects = rendered(overlay);
        Set<String> kinds = new TreeSet<>();
        for (KubernetesObject o : objects) {
            kinds.add(o.getKind());
            if (o instanceof V1Namespace ns) {
                assertEquals(NAMESPACE, ns.getMetadata().getName());
                assertEquals("restricted", ns.getMetadata().getLabels().get("pod-security.kubernetes.io/enforce"));
            } else {
                assertEquals(NAMESPACE, o.getMetadata().getNamespace(), o.getKind() + " " + o.getMetadata().getName());
            }
        }
        assertEquals(new TreeSet<>(List.of("ConfigMap", "Deployment", "HorizontalPodAutoscaler", "Job", "Namespace",
                "PersistentVolumeClaim", "PodDisruptionBudget", "Secret", "Service", "StatefulSet")), kinds);
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void bothServicesAreProbedOnQuarkusHealthAndServedOnTheirQuarkusPort(String overlay) {
        List<KubernetesObject> objects = rendered(overlay);
        for (String name : List.of(TRAINER, GENERATOR)) {
            int port = ServiceConfig.of(name).httpPort();
            V1Container c = container(Kube.named(objects, V1Deployment.class, name).getSpec().getTemplate(), name);
            assertEquals(List.of(port), c.getPorts().stream().map(V1ContainerPort::getContainerPort).toList());
            assertProbe(c, c.getReadinessProbe(), "/q/health/ready", port, name + " readiness");
            assertProbe(c, c.getLivenessProbe(), "/q/health/live", port, name + " liveness");
            assertProbe(c, c.getStartupProbe(), "/q/health/live", port, name + " startup");

            V1Service svc = Kube.named(objects, V1Service.class, name);
            V1ServicePort sp = svc.getSpec().getPorts().get(0);
            assertEquals(port, sp.getPort(), name + " Service port");
            assertEquals(port, resolvePort(c, sp.getTargetPort()), name + " Service targetPort");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void serviceEnvironmentMapsToTheServicesConfigKeys(String overlay) {
        List<KubernetesObject> objects = rendered(overlay);
        for (String name : List.of(TRAINER, GENERATOR)) {
            V1PodTemplateSpec t = Kube.named(objects, V1Deployment.class, name).getSpec().getTemplate();
            Map<String, String> env = env(objects, container(t, name));
            ServiceConfig.of(name).assertEnvKnown(env.keySet(), false, overlay + " " + name);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void everyReferenceResolves(String overlay) {
        List<KubernetesObject> objects = rendered(overlay);
        for (Map.Entry<String, V1PodTemplateSpec> e : podTemplates(objects).entrySet()) {
            V1PodSpec spec = e.getValue().getSpec();
            for (V1Container c : containers(spec)) {
                env(objects, c); // resolves every ConfigMap and Secret reference, or fails
            }
            for (V1Volume v : spec.getVolumes()) {
                if (v.getPersistentVolumeClaim() != null) {
                    Kube.named(objects, V1PersistentVolumeClaim.class, v.getPersistentVolumeClaim().getClaimName());
                }
            }
        }
        for (V1Service svc : Kube.all(objects, V1Service.class)) {
            Map<String, String> selector = svc.getSpec().getSelector();
            List<V1PodTemplateSpec> selected = podTemplates(objects).values().stream()
                    .filter(t -> t.getMetadata().getLabels().entrySet().containsAll(selector.entrySet())).toList();
            assertEquals(1, selected.size(), "Service " + svc.getMetadata().getName() + " selects " + selected.size());
            V1Container c = selected.get(0).getSpec().getContainers().get(0);
            for (V1ServicePort p : svc.getSpec().getPorts()) {
                resolvePort(c, p.getTargetPort());
            }
        }
        for (V1StatefulSet s : Kube.all(objects, V1StatefulSet.class)) {
            assertEquals("None", Kube.named(objects, V1Service.class, s.getSpec().getServiceName()).getSpec().getClusterIP(),
                    "a StatefulSet's service is headless");
        }
        V2HorizontalPodAutoscaler hpa = Kube.named(objects, V2HorizontalPodAutoscaler.class, GENERATOR);
        assertEquals("Deployment", hpa.getSpec().getScaleTargetRef().getKind());
        Kube.named(objects, V1Deployment.class, hpa.getSpec().getScaleTargetRef().getName());
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void everyPodMeetsTheRestrictedPodSecurityProfile(String overlay) {
        Set<String> writableRoot = new TreeSet<>();
        for (Map.Entry<String, V1PodTemplateSpec> e : podTemplates(rendered(overlay)).entrySet()) {
            V1PodSpec spec = e.getValue().getSpec();
            V1PodSecurityContext pod = spec.getSecurityContext();
            assertNotNull(pod, e.getKey() + " has no pod securityContext");
            assertEquals(Boolean.TRUE, pod.getRunAsNonRoot(), e.getKey() + " runAsNonRoot");
            assertTrue(pod.getRunAsUser() != null && pod.getRunAsUser() > 0, e.getKey() + " runAsUser");
            assertEquals("RuntimeDefault", pod.getSeccompProfile().getType(), e.getKey() + " seccomp");
            assertFalse(Boolean.TRUE.equals(spec.getHostNetwork()) || Boolean.TRUE.equals(spec.getHostPID())
                    || Boolean.TRUE.equals(spec.getHostIPC()), e.getKey() + " uses a host namespace");
            assertEquals(Boolean.FALSE, spec.getAutomountServiceAccountToken(), e.getKey() + " needs no API token");
            for (V1Volume v : spec.getVolumes()) {
                assertTrue(v.getEmptyDir() != null || v.getPersistentVolumeClaim() != null || v.getConfigMap() != null
                        || v.getSecret() != null, e.getKey() + " volume " + v.getName() + " is not an allowed type");
            }
            for (V1Container c : containers(spec)) {
                String where = e.getKey() + "/" + c.getName();
                V1SecurityContext sc = c.getSecurityContext();
                assertNotNull(sc, where + " has no securityContext");
                assertEquals(Boolean.FALSE, sc.getAllowPrivilegeEscalation(), where + " allowPrivilegeEscalation");
                assertNotEquals(Boolean.TRUE, sc.getPrivileged(), where);
                assertTrue(sc.getCapabilities().getDrop().contains("ALL"), where + " drops ALL capabilities");
                assertTrue(sc.getCapabilities().getAdd() == null || sc.getCapabilities().getAdd().isEmpty(), where);
                assertTrue(c.getPorts() == null || c.getPorts().stream().allMatch(p -> p.getHostPort() == null), where);
                if (Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem())) {
                    V1VolumeMount tmp = mount(c, "/tmp");
                    assertNotNull(tmp, where + " has a read-only root but no writable /tmp");
                    assertNotNull(volume(spec, tmp.getName()).getEmptyDir(), where + " /tmp is an emptyDir");
                } else {
                    writableRoot.add(where);
                }
            }
        }
        // The one exception, documented in kafka.yaml: the image writes its config at start.
        assertEquals(Set.of("StatefulSet/kafka/kafka"), writableRoot);
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void everyContainerHasCpuAndMemoryRequestsAndLimits(String overlay) {
        for (Map.Entry<String, V1PodTemplateSpec> e : podTemplates(rendered(overlay)).entrySet()) {
            for (V1Container c : containers(e.getValue().getSpec())) {
                for (String r : List.of("cpu", "memory")) {
                    Quantity request = c.getResources().getRequests().get(r);
                    Quantity limit = c.getResources().getLimits().get(r);
                    assertNotNull(request, e.getKey() + "/" + c.getName() + " requests no " + r);
                    assertNotNull(limit, e.getKey() + "/" + c.getName() + " has no " + r + " limit");
                    assertTrue(request.getNumber().compareTo(limit.getNumber()) <= 0,
                            e.getKey() + "/" + c.getName() + " " + r + " request above limit");
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void serviceCpusAreWholeAndGuaranteedForTheThreadsTheyImply(String overlay) {
        List<KubernetesObject> objects = rendered(overlay);
        for (String name : List.of(TRAINER, GENERATOR)) {
            V1Container c = container(Kube.named(objects, V1Deployment.class, name).getSpec().getTemplate(), name);
            java.math.BigDecimal request = c.getResources().getRequests().get("cpu").getNumber();
            java.math.BigDecimal limit = c.getResources().getLimits().get("cpu").getNumber();
            assertEquals(0, request.compareTo(limit), name + ": the thread counts follow the limit, so request it");
            assertTrue(limit.stripTrailingZeros().scale() <= 0, name + ": a fractional CPU limit " + limit);
            if (name.equals(TRAINER)) {
                int concurrency = Integer.parseInt(env(objects, c).getOrDefault("WORDLM_TRAINER_CONCURRENCY", "1"));
                assertTrue(limit.intValueExact() >= concurrency,
                        "each of " + concurrency + " concurrent runs needs a CPU; the limit is " + limit);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void imagesAreTheOnesComposeBuildsAndRuns(String overlay) {
        List<KubernetesObject> objects = rendered(overlay);
        ComposeFile compose = ComposeFile.read("docker-compose.yml");
        String trainerImage = "gpu".equals(overlay)
                ? String.valueOf(ComposeFile.read("docker-compose.gpu.yml").service(TRAINER).get("image"))
                : String.valueOf(compose.service(TRAINER).get("image"));
        assertEquals(trainerImage, image(objects, V1Deployment.class, TRAINER));
        assertEquals(compose.service(GENERATOR).get("image"), image(objects, V1Deployment.class, GENERATOR));
        assertEquals(compose.service("kafka").get("image"), image(objects, V1StatefulSet.class, "kafka"));
        assertEquals(compose.service("kafka").get("image"),
                container(Kube.named(objects, V1Job.class, "kafka-topics").getSpec().getTemplate(), "kafka-topics").getImage());
        assertEquals(compose.service("postgres").get("image"), image(objects, V1StatefulSet.class, "postgres"));
        // wordlm/<service> images are built from <service>/Dockerfile.
        for (String name : List.of(TRAINER, GENERATOR)) {
            assertTrue(image(objects, V1Deployment.class, name).startsWith("wordlm/" + name + ":"));
            assertTrue(Files.isRegularFile(Repo.path(name + "/Dockerfile")), name + "/Dockerfile");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void kafkaIsOneKraftNodeConfiguredAsInCompose(String overlay) {
        List<KubernetesObject> objects = rendered(overlay);
        V1StatefulSet kafka = Kube.named(objects, V1StatefulSet.class, "kafka");
        V1PodSpec spec = kafka.getSpec().getTemplate().getSpec();
        assertEquals(1, kafka.getSpec().getReplicas());
        assertEquals(Boolean.FALSE, spec.getEnableServiceLinks(),
                "service links would add KAFKA_* variables that the image turns into broker properties");
        Map<String, String> env = env(objects, container(kafka.getSpec().getTemplate(), "kafka"));
        assertEquals("broker,controller", env.get("KAFKA_PROCESS_ROLES"));
        assertKafkaClusterId(env.get("CLUSTER_ID"));

        // The broker advertises the Service's name and port, which is what clients bootstrap from.
        V1Service svc = Kube.named(objects, V1Service.class, "kafka");
        String address = "kafka:" + svc.getSpec().getPorts().get(0).getPort();
        assertEquals("SASL_PLAINTEXT://" + address, env.get("KAFKA_ADVERTISED_LISTENERS"));
        for (String name : List.of(TRAINER, GENERATOR)) {
            assertEquals(address, Kube.named(objects, V1ConfigMap.class, name + "-config").getData()
                    .get("KAFKA_BOOTSTRAP_SERVERS"), name);
        }
        // Its log dirs are on its claim.
        String dataMount = mount(container(kafka.getSpec().getTemplate(), "kafka"),
                kafka.getSpec().getVolumeClaimTemplates().get(0).getMetadata().getName(), true).getMountPath();
        assertTrue(env.get("KAFKA_LOG_DIRS").startsWith(dataMount + "/"), env.get("KAFKA_LOG_DIRS"));

        // The same broker configuration as docker-compose.yml (heap and paths may differ).
        Map<String, String> composeEnv = new LinkedHashMap<>(ComposeFile.read("docker-compose.yml").env("kafka"));
        Map<String, String> k8sEnv = new LinkedHashMap<>(env);
        for (Map<String, String> m : List.of(composeEnv, k8sEnv)) {
            m.remove("KAFKA_HEAP_OPTS");
            // The password comes from compose's variable there, from the Secret here.
            m.replaceAll((k, v) -> v.replace("${KAFKA_PASSWORD:?run scripts/compose-secrets}", "<password>")
                    .replace("$(SASL_PASSWORD)", "<password>").replace("secret:kafka-credentials/password", "<password>"));
        }
        assertEquals(new TreeSet<>(composeEnv.entrySet().stream().map(Object::toString).toList()),
                new TreeSet<>(k8sEnv.entrySet().stream().map(Object::toString).toList()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void kafkaAndTheApisAuthenticateWithTheSecrets(String overlay) {
        List<KubernetesObject> objects = rendered(overlay);
        Map<String, String> broker = env(objects, container(Kube.named(objects, V1StatefulSet.class, "kafka")
                .getSpec().getTemplate(), "kafka"));
        assertEquals("SASL_PLAINTEXT://:9092,CONTROLLER://localhost:9093", broker.get("KAFKA_LISTENERS"));
        assertEquals("secret:kafka-credentials/password", broker.get("SASL_PASSWORD"));
        assertTrue(broker.get("KAFKA_LISTENER_NAME_SASL__PLAINTEXT_PLAIN_SASL_JAAS_CONFIG")
                .contains("user_wordlm=\"$(SASL_PASSWORD)\""));
        Map<String, String> job = env(objects, container(Kube.named(objects, V1Job.class, "kafka-topics")
                .getSpec().getTemplate(), "kafka-topics"));
        assertEquals("secret:kafka-credentials/password", job.get("SASL_PASSWORD"));
        for (String name : List.of(TRAINER, GENERATOR)) {
            V1Container c = container(Kube.named(objects, V1Deployment.class, name).getSpec().getTemplate(), name);
            List<String> order = c.getEnv().stream().map(v -> v.getName()).toList();
            assertTrue(order.indexOf("SASL_PASSWORD") < order.indexOf("KAFKA_SASL_JAAS_CONFIG"),
                    name + ": Kubernetes expands only variables defined earlier");
            Map<String, String> env = env(objects, c);
            assertEquals("SASL_PLAINTEXT", env.get("KAFKA_SECURITY_PROTOCOL"), name);
            assertEquals("secret:kafka-credentials/password", env.get("SASL_PASSWORD"), name);
            assertTrue(env.get("KAFKA_SASL_JAAS_CONFIG").contains("password=\"$(SASL_PASSWORD)\""), name);
            assertEquals("secret:wordlm-tokens/admin-token", env.get("WORDLM_AUTH_ADMIN_TOKENS"), name);
            assertEquals("secret:wordlm-tokens/user-token", env.get("WORDLM_AUTH_USER_TOKENS"), name);
        }
        V1Container generator = container(Kube.named(objects, V1Deployment.class, GENERATOR).getSpec().getTemplate(),
                GENERATOR);
        assertEquals("secret:wordlm-tokens/user-token", env(objects, generator).get("WORDLM_TRAINER_TOKEN"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void theTopicsJobCreatesEveryTopicTheCodeUsesLikeCompose(String overlay) {
        V1Job job = Kube.named(rendered(overlay), V1Job.class, "kafka-topics");
        V1Container c = container(job.getSpec().getTemplate(), "kafka-topics");
        Map<String, Integer> topics = TopicSpecs.parse(String.join("\n", c.getArgs()));
        assertEquals(new TreeSet<>(Repo.topicConstants().values()), new TreeSet<>(topics.keySet()));
        String composeScript = ComposeFile.joined(ComposeFile.read("docker-compose.yml").service("kafka-init")
                .get("command")).replace("$$", "$");
        assertEquals(TopicSpecs.parse(composeScript), topics);
        // Up to 3 trainer replicas (one consumer group) split the queue.
        assertEquals(3, topics.get("training-requests"));
        assertEquals("OnFailure", job.getSpec().getTemplate().getSpec().getRestartPolicy());
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void postgresAndTheTrainerShareOneSecretAndOneDatabase(String overlay) {
        List<KubernetesObject> objects = rendered(overlay);
        V1StatefulSet pg = Kube.named(objects, V1StatefulSet.class, "postgres");
        V1Container pgc = container(pg.getSpec().getTemplate(), "postgres");
        V1Container trainer = container(Kube.named(objects, V1Deployment.class, TRAINER).getSpec().getTemplate(), TRAINER);
        assertEquals(secretRef(pgc, "POSTGRES_USER"), secretRef(trainer, "QUARKUS_DATASOURCE_USERNAME"));
        assertEquals(secretRef(pgc, "POSTGRES_PASSWORD"), secretRef(trainer, "QUARKUS_DATASOURCE_PASSWORD"));

        Map<String, String> pgEnv = env(objects, pgc);
        V1Service svc = Kube.named(objects, V1Service.class, "postgres");
        assertEquals("jdbc:postgresql://postgres:" + svc.getSpec().getPorts().get(0).getPort() + "/" + pgEnv.get("POSTGRES_DB"),
                env(objects, trainer).get("QUARKUS_DATASOURCE_JDBC_URL"));
        String dataMount = mount(pgc, pg.getSpec().getVolumeClaimTemplates().get(0).getMetadata().getName(), true)
                .getMountPath();
        assertTrue(pgEnv.get("PGDATA").startsWith(dataMount + "/"), "PGDATA on the claim, below its root");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void datasetsAndCheckpointsAreOnTheTrainersClaimAndItsLinksReachIt(String overlay) {
        List<KubernetesObject> objects = rendered(overlay);
        V1Deployment d = Kube.named(objects, V1Deployment.class, TRAINER);
        V1Container c = container(d.getSpec().getTemplate(), TRAINER);
        Map<String, String> env = env(objects, c);
        V1Volume data = d.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getPersistentVolumeClaim() != null).findFirst().orElseThrow();
        String root = mount(c, data.getName(), true).getMountPath();
        assertTrue(env.get("WORDLM_DATA_ROOT").startsWith(root + "/"), env.get("WORDLM_DATA_ROOT"));
        assertTrue(env.get("WORDLM_CHECKPOINT_DIR").startsWith(root + "/"), env.get("WORDLM_CHECKPOINT_DIR"));
        List<String> modes = Kube.named(objects, V1PersistentVolumeClaim.class,
                data.getPersistentVolumeClaim().getClaimName()).getSpec().getAccessModes();
        if (modes.equals(List.of("ReadWriteOnce"))) {
            assertEquals(1, d.getSpec().getReplicas(), "replicas of a ReadWriteOnce trainer");
            assertEquals("Recreate", d.getSpec().getStrategy().getType(), "a RWO volume cannot be shared in a rollout");
        }
        String url = "http://" + TRAINER + ":" + Kube.named(objects, V1Service.class, TRAINER).getSpec().getPorts().get(0).getPort();
        assertEquals(url, env.get("WORDLM_PUBLIC_URL"));
        V1Container g = container(Kube.named(objects, V1Deployment.class, GENERATOR).getSpec().getTemplate(), GENERATOR);
        assertEquals(url, env(objects, g).get("WORDLM_TRAINER_URL"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void generatorsScaleOnCpuAndHoldNoSharedState(String overlay) {
        List<KubernetesObject> objects = rendered(overlay);
        V2HorizontalPodAutoscaler hpa = Kube.named(objects, V2HorizontalPodAutoscaler.class, GENERATOR);
        assertEquals(GENERATOR, hpa.getSpec().getScaleTargetRef().getName());
        assertTrue(hpa.getSpec().getMinReplicas() >= 2, "min replicas");
        assertTrue(hpa.getSpec().getMaxReplicas() > hpa.getSpec().getMinReplicas(), "max replicas");
        V2MetricSpec metric = hpa.getSpec().getMetrics().get(0);
        assertEquals("Resource", metric.getType());
        assertEquals("cpu", metric.getResource().getName());
        assertEquals("Utilization", metric.getResource().getTarget().getType());

        V1Deployment d = Kube.named(objects, V1Deployment.class, GENERATOR);
        assertNull(d.getSpec().getReplicas(), "the autoscaler owns the replica count; apply must not reset it");
        V1PodSpec spec = d.getSpec().getTemplate().getSpec();
        assertTrue(spec.getVolumes().stream().allMatch(v -> v.getPersistentVolumeClaim() == null),
                "every replica keeps its own checkpoint cache");
        V1Container c = container(d.getSpec().getTemplate(), GENERATOR);
        V1VolumeMount cache = mount(c, env(objects, c).get("WORDLM_MODEL_CACHE_DIR"));
        assertNotNull(cache, "WORDLM_MODEL_CACHE_DIR is not a mount");
        assertNotNull(volume(spec, cache.getName()).getEmptyDir());
    }

    // ------------------------------------------------------------------ the overlays' difference

    @Test
    void theGpuOverlayPutsTheCudaTrainerOnOneGpuOfAGpuNode() {
        List<KubernetesObject> objects = rendered("gpu");
        V1PodSpec spec = Kube.named(objects, V1Deployment.class, TRAINER).getSpec().getTemplate().getSpec();
        V1Container c = container(Kube.named(objects, V1Deployment.class, TRAINER).getSpec().getTemplate(), TRAINER);
        assertEquals(1, c.getResources().getLimits().get(GPU).getNumber().intValueExact());
        assertEquals(Map.of("nvidia.com/gpu.present", "true"), spec.getNodeSelector());
        V1Toleration t = spec.getTolerations().stream().filter(x -> GPU.equals(x.getKey())).findFirst()
                .orElseGet(() -> fail("no toleration for the " + GPU + " taint"));
        assertEquals("Exists", t.getOperator());
        assertEquals("NoSchedule", t.getEffect());
        assertEquals("cuda", env(objects, c).get("WORDLM_DEVICE"));
        assertTrue(c.getImage().endsWith(":latest-cuda"), c.getImage());
        // Nothing else asks for a GPU.
        assertEquals(Set.of("Deployment/" + TRAINER + "/" + TRAINER), containersWithGpu(objects));
        // The CPU limits of the base stay.
        assertNotNull(c.getResources().getLimits().get("memory"));
    }

    @Test
    void theCpuOverlayAsksForNoGpu() {
        List<KubernetesObject> objects = rendered("cpu");
        assertEquals(Set.of(), containersWithGpu(objects));
        V1PodSpec spec = Kube.named(objects, V1Deployment.class, TRAINER).getSpec().getTemplate().getSpec();
        assertTrue(spec.getNodeSelector() == null || spec.getNodeSelector().isEmpty());
        V1Container c = container(Kube.named(objects, V1Deployment.class, TRAINER).getSpec().getTemplate(), TRAINER);
        assertEquals("cpu", env(objects, c).get("WORDLM_DEVICE"));
        assertTrue(c.getImage().endsWith(":latest"), c.getImage());
    }

    // ------------------------------------------------------------------ helpers

    static void assertKafkaClusterId(String id) {
        assertNotNull(id, "CLUSTER_ID");
        byte[] uuid = Base64.getUrlDecoder().decode(id);
        assertEquals(16, uuid.length, "CLUSTER_ID must be a base64 UUID (kafka-storage.sh random-uuid): " + id);
    }

    private static void assertNotEquals(Object unexpected, Object actual, String message) {
        org.junit.jupiter.api.Assertions.assertNotEquals(unexpected, actual, message);
    }

    private static void assertProbe(V1Container c, V1Probe probe, String path, int port, String what) {
        assertNotNull(probe, what + " probe missing");
        assertNotNull(probe.getHttpGet(), what + " probe is not an HTTP GET");
        assertEquals(path, probe.getHttpGet().getPath(), what);
        assertEquals(port, resolvePort(c, probe.getHttpGet().getPort()), what + " port");
    }

    private static int resolvePort(V1Container c, IntOrString port) {
        if (port.isInteger()) {
            return port.getIntValue();
        }
        return c.getPorts().stream().filter(p -> port.getStrValue().equals(p.getName())).findFirst()
                .orElseGet(() -> fail(c.getName() + " has no port named " + port.getStrValue())).getContainerPort();
    }

    private static String image(List<KubernetesObject> objects, Class<? extends KubernetesObject> type, String name) {
        V1PodTemplateSpec t = type == V1Deployment.class
                ? ((V1Deployment) Kube.named(objects, type, name)).getSpec().getTemplate()
                : ((V1StatefulSet) Kube.named(objects, type, name)).getSpec().getTemplate();
        return container(t, name).getImage();
    }

    /** Pod templates by "Kind/name". */
    private static Map<String, V1PodTemplateSpec> podTemplates(List<KubernetesObject> objects) {
        Map<String, V1PodTemplateSpec> out = new LinkedHashMap<>();
        Kube.all(objects, V1Deployment.class).forEach(d -> out.put("Deployment/" + d.getMetadata().getName(), d.getSpec().getTemplate()));
        Kube.all(objects, V1StatefulSet.class).forEach(s -> out.put("StatefulSet/" + s.getMetadata().getName(), s.getSpec().getTemplate()));
        Kube.all(objects, V1Job.class).forEach(j -> out.put("Job/" + j.getMetadata().getName(), j.getSpec().getTemplate()));
        return out;
    }

    private static List<V1Container> containers(V1PodSpec spec) {
        return Stream.concat(spec.getInitContainers().stream(), spec.getContainers().stream()).toList();
    }

    private static V1Container container(V1PodTemplateSpec t, String name) {
        return t.getSpec().getContainers().stream().filter(c -> name.equals(c.getName())).findFirst()
                .orElseGet(() -> fail("no container " + name));
    }

    private static Set<String> containersWithGpu(List<KubernetesObject> objects) {
        Set<String> out = new TreeSet<>();
        podTemplates(objects).forEach((k, t) -> containers(t.getSpec()).forEach(c -> {
            if (c.getResources() != null && (c.getResources().getLimits().containsKey(GPU)
                    || c.getResources().getRequests().containsKey(GPU))) {
                out.add(k + "/" + c.getName());
            }
        }));
        return out;
    }

    private static V1Volume volume(V1PodSpec spec, String name) {
        return spec.getVolumes().stream().filter(v -> name.equals(v.getName())).findFirst()
                .orElseGet(() -> fail("no volume " + name));
    }

    /** The mount at exactly {@code path}, or null. */
    private static V1VolumeMount mount(V1Container c, String path) {
        return c.getVolumeMounts().stream().filter(m -> path.equals(m.getMountPath())).findFirst().orElse(null);
    }

    /** The mount of volume {@code volumeName}; fails if there is none. */
    private static V1VolumeMount mount(V1Container c, String volumeName, boolean byVolume) {
        return c.getVolumeMounts().stream().filter(m -> volumeName.equals(m.getName())).findFirst()
                .orElseGet(() -> fail(c.getName() + " does not mount " + volumeName));
    }

    private static V1SecretKeySelector secretRef(V1Container c, String var) {
        V1EnvVar v = c.getEnv().stream().filter(e -> var.equals(e.getName())).findFirst()
                .orElseGet(() -> fail(c.getName() + " sets no " + var));
        assertNotNull(v.getValueFrom(), var + " must come from a Secret");
        return Objects.requireNonNull(v.getValueFrom().getSecretKeyRef(), var + " must come from a Secret");
    }

    /**
     * A container's environment as the kubelet builds it: envFrom ConfigMaps, then env entries.
     * Secret values read as "secret:name/key". Every reference must resolve.
     */
    private static Map<String, String> env(List<KubernetesObject> objects, V1Container c) {
        Map<String, String> env = new LinkedHashMap<>();
        for (V1EnvFromSource from : c.getEnvFrom()) {
            assertNotNull(from.getConfigMapRef(), c.getName() + ": only ConfigMaps are used with envFrom");
            env.putAll(Kube.named(objects, V1ConfigMap.class, from.getConfigMapRef().getName()).getData());
        }
        for (V1EnvVar v : c.getEnv()) {
            if (v.getValueFrom() == null) {
                env.put(v.getName(), v.getValue());
            } else if (v.getValueFrom().getSecretKeyRef() != null) {
                V1SecretKeySelector ref = v.getValueFrom().getSecretKeyRef();
                V1Secret s = Kube.named(objects, V1Secret.class, ref.getName());
                assertTrue(s.getStringData().containsKey(ref.getKey()) || s.getData().containsKey(ref.getKey()),
                        "Secret " + ref.getName() + " has no key " + ref.getKey());
                env.put(v.getName(), "secret:" + ref.getName() + "/" + ref.getKey());
            } else {
                fail(c.getName() + " " + v.getName() + ": unexpected valueFrom " + v.getValueFrom());
            }
        }
        return env;
    }

    private static List<Path> yamlFiles() {
        try (Stream<Path> s = Files.walk(Repo.path("k8s"))) {
            return s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isKustomization(Path p) {
        return p.getFileName().toString().startsWith("kustomization.");
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
