package dev.wordlm.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** docker-compose.yml (+ docker-compose.gpu.yml) against compose itself and the services' config. */
class ComposeTest {
    static final String TRAINER = "trainer-service";
    static final String GENERATOR = "generator-service";

    /** Stand-ins for the secrets compose refuses to start without. */
    static final String SECRETS = "deploy-tests/src/test/resources/compose-test.env";

    final ComposeFile compose = ComposeFile.read("docker-compose.yml");

    /** The GPU override merged by compose itself, as `docker compose -f ... -f ... up` sees it. */
    static ComposeFile mergedGpu() {
        return merged("docker-compose.gpu.yml");
    }

    /** A file merged with docker-compose.yml by compose itself, with the test secrets the files require. */
    static ComposeFile merged(String override) {
        Tools.Result r = Tools.run(List.of(Tools.require("docker-compose").toString(), "--env-file", SECRETS,
                "-f", "docker-compose.yml", "-f", override, "config"), Repo.ROOT);
        assertEquals(0, r.exitCode(), "docker-compose config (with " + override + ") failed:\n" + r.output());
        return ComposeFile.parse(r.stdout());
    }

    @Test
    void composeAcceptsTheFilesAloneAndWithTheGpuOverride() {
        String dc = Tools.require("docker-compose").toString();
        for (List<String> files : List.of(List.of("docker-compose.yml"),
                List.of("docker-compose.yml", "docker-compose.gpu.yml"),
                List.of("docker-compose.yml", "docker-compose.ci.yml"))) {
            List<String> cmd = new java.util.ArrayList<>(List.of(dc, "--env-file", SECRETS));
            files.forEach(f -> cmd.addAll(List.of("-f", f)));
            cmd.addAll(List.of("config", "-q"));
            Tools.Result r = Tools.run(cmd, Repo.ROOT);
            assertEquals(0, r.exitCode(), String.join(" ", cmd) + ":\n" + r.output());
        }
    }

    @Test
    void theSystemIsKafkaPostgresAndTheTwoServices() {
        assertTrue(compose.services().keySet().containsAll(Set.of("kafka", "postgres", TRAINER, GENERATOR)),
                "services: " + compose.services().keySet());
        assertTrue(String.valueOf(compose.service("kafka").get("image")).startsWith("apache/kafka:"));
        assertTrue(String.valueOf(compose.service("postgres").get("image")).startsWith("postgres:"));
        // The broker is the version of the client the services are built with.
        assertEquals("apache/kafka:" + Repo.pomProperty("kafka.version"), compose.service("kafka").get("image"));
        assertEquals(compose.service("kafka").get("image"), compose.service("kafka-init").get("image"));
    }

    @Test
    void everyServiceThatStaysUpIsHealthCheckedAndStartsAfterItsDependenciesAreReady() {
        for (String name : compose.services().keySet()) {
            Map<String, Object> s = compose.service(name);
            boolean oneShot = "no".equals(String.valueOf(s.get("restart")));
            if (!oneShot) {
                Map<String, Object> hc = ComposeFile.map(s.get("healthcheck"));
                assertFalse(ComposeFile.joined(hc.get("test")).isBlank(), name + " has no health check");
            }
            compose.dependsOn(name).forEach((dep, condition) -> {
                assertNotNull(condition, name + " -> " + dep + ": depends_on needs a condition");
                Map<String, Object> target = compose.service(dep);
                if ("no".equals(String.valueOf(target.get("restart")))) {
                    assertEquals("service_completed_successfully", condition, name + " -> one-shot " + dep);
                } else {
                    assertEquals("service_healthy", condition, name + " -> " + dep);
                    assertFalse(ComposeFile.map(target.get("healthcheck")).isEmpty(), dep + " has no health check");
                }
            });
        }
        // The order the services need: broker, topics and database before the trainer; trainer before
        // the generator, which downloads checkpoints from it.
        assertEquals(Set.of("postgres", "kafka-init"), compose.dependsOn(TRAINER).keySet());
        assertEquals(Set.of("kafka-init", TRAINER), compose.dependsOn(GENERATOR).keySet());
        assertEquals(Set.of("kafka"), compose.dependsOn("kafka-init").keySet());
    }

    @Test
    void healthChecksProbeQuarkusHealthOnTheServicePort() {
        // The trainer is healthy when ready (database and Kafka); the generator when live: its readiness waits for a
        // model, which a fresh system has only after its first run (scripts/compose-check found it unhealthy).
        Map<String, String> probe = Map.of(TRAINER, "/q/health/ready", GENERATOR, "/q/health/live");
        for (String name : List.of(TRAINER, GENERATOR)) {
            String test = ComposeFile.joined(ComposeFile.map(compose.service(name).get("healthcheck")).get("test"));
            assertTrue(test.contains("http://localhost:" + ServiceConfig.of(name).httpPort() + probe.get(name)),
                    name + " health check: " + test);
        }
    }

    @Test
    void onlyTheTwoApisArePublishedOnTheirQuarkusPorts() {
        Map<String, List<Integer>> published = new TreeMap<>();
        for (String name : compose.services().keySet()) {
            List<Integer> ports = compose.publishedContainerPorts(name);
            if (!ports.isEmpty()) {
                published.put(name, ports);
            }
        }
        assertEquals(Map.of(TRAINER, List.of(ServiceConfig.TRAINER.httpPort()),
                GENERATOR, List.of(ServiceConfig.GENERATOR.httpPort())), published);
        for (String name : List.of(TRAINER, GENERATOR)) {
            assertFalse(compose.service(name).containsKey("expose"), name);
        }
    }

    @Test
    void serviceEnvironmentMapsToTheServicesConfigKeys() {
        ServiceConfig.TRAINER.assertEnvKnown(compose.env(TRAINER).keySet(), false, "compose " + TRAINER);
        ServiceConfig.GENERATOR.assertEnvKnown(compose.env(GENERATOR).keySet(), false, "compose " + GENERATOR);
        ServiceConfig.TRAINER.assertEnvKnown(compose.env("fetch-ptb").keySet(), false, "compose fetch-ptb");
        ServiceConfig.TRAINER.assertEnvKnown(compose.env("fetch-data").keySet(), false, "compose fetch-data");
        ServiceConfig.TRAINER.assertEnvKnown(mergedGpu().env(TRAINER).keySet(), false, "GPU override");
    }

    @Test
    void addressesInTheEnvironmentPointAtTheComposeServices() {
        Map<String, String> trainer = compose.env(TRAINER);
        Map<String, String> generator = compose.env(GENERATOR);
        Map<String, String> kafka = compose.env("kafka");
        Map<String, String> postgres = compose.env("postgres");

        // Clients bootstrap from the address the broker advertises.
        String advertised = kafka.get("KAFKA_ADVERTISED_LISTENERS").replaceFirst("^SASL_PLAINTEXT://", "");
        assertEquals("kafka:9092", advertised);
        assertEquals(advertised, trainer.get("KAFKA_BOOTSTRAP_SERVERS"));
        assertEquals(advertised, generator.get("KAFKA_BOOTSTRAP_SERVERS"));

        assertEquals("jdbc:postgresql://postgres:5432/" + postgres.get("POSTGRES_DB"),
                trainer.get("QUARKUS_DATASOURCE_JDBC_URL"));
        assertEquals(postgres.get("POSTGRES_USER"), trainer.get("QUARKUS_DATASOURCE_USERNAME"));
        assertEquals(postgres.get("POSTGRES_PASSWORD"), trainer.get("QUARKUS_DATASOURCE_PASSWORD"));

        String trainerUrl = "http://" + TRAINER + ":" + ServiceConfig.TRAINER.httpPort();
        assertEquals(trainerUrl, generator.get("WORDLM_TRAINER_URL"));
        assertEquals(trainerUrl, trainer.get("WORDLM_PUBLIC_URL"), "checkpoint links must reach the trainer");
    }

    @Test
    void kafkaAndTheApisNeedTheSecretsAndNothingDefaultsThem() throws IOException {
        Map<String, String> kafka = compose.env("kafka");
        assertEquals("SASL_PLAINTEXT://:9092,CONTROLLER://localhost:9093", kafka.get("KAFKA_LISTENERS"),
                "the only listener other containers reach authenticates");
        assertEquals("PLAIN", kafka.get("KAFKA_SASL_ENABLED_MECHANISMS"));
        String broker = kafka.get("KAFKA_LISTENER_NAME_SASL__PLAINTEXT_PLAIN_SASL_JAAS_CONFIG");
        assertTrue(broker.contains("user_wordlm=\"${KAFKA_PASSWORD:?"), broker);
        for (String service : List.of(TRAINER, GENERATOR)) {
            Map<String, String> env = compose.env(service);
            assertEquals("SASL_PLAINTEXT", env.get("KAFKA_SECURITY_PROTOCOL"), service);
            assertEquals("PLAIN", env.get("KAFKA_SASL_MECHANISM"), service);
            assertTrue(env.get("KAFKA_SASL_JAAS_CONFIG").contains("username=\"wordlm\" password=\"${KAFKA_PASSWORD:?"),
                    service);
            assertTrue(env.get("WORDLM_AUTH_ADMIN_TOKENS").startsWith("${WORDLM_ADMIN_TOKEN:?"), service);
            assertTrue(env.get("WORDLM_AUTH_USER_TOKENS").startsWith("${WORDLM_USER_TOKEN:?"), service);
        }
        assertTrue(compose.env(GENERATOR).get("WORDLM_TRAINER_TOKEN").startsWith("${WORDLM_USER_TOKEN:?"));

        Path none = Files.createTempFile("no-secrets", ".env");
        Tools.Result r;
        try {
            r = Tools.run(List.of(Tools.require("docker-compose").toString(), "--env-file", none.toString(),
                    "-f", "docker-compose.yml", "config", "-q"), Repo.ROOT);
        } finally {
            Files.delete(none);
        }
        assertTrue(r.exitCode() != 0 && r.output().contains("compose-secrets"),
                "without the secrets compose refuses to start:\n" + r.output());
    }

    @Test
    void datasetsAndCheckpointsLiveOnNamedVolumes() {
        Set<String> named = ComposeFile.map(compose.root().get("volumes")).keySet();
        Map<String, String> env = compose.env(TRAINER);
        Map<String, String> mounts = compose.volumeMounts(TRAINER);
        assertEquals("datasets", mounts.get(env.get("WORDLM_DATA_ROOT")), "trainer mounts " + mounts);
        assertEquals("checkpoints", mounts.get(env.get("WORDLM_CHECKPOINT_DIR")), "trainer mounts " + mounts);
        assertEquals("model-cache", compose.volumeMounts(GENERATOR).get(compose.env(GENERATOR).get("WORDLM_MODEL_CACHE_DIR")));
        for (String name : compose.services().keySet()) {
            compose.volumeMounts(name).values().forEach(source ->
                    assertTrue(named.contains(source), name + " mounts " + source + ", not a named volume"));
        }
    }

    @Test
    void kafkaInitCreatesEveryTopicTheCodeUses() {
        String script = ComposeFile.joined(compose.service("kafka-init").get("command")).replace("$$", "$");
        Map<String, Integer> topics = TopicSpecs.parse(script);
        assertEquals(new TreeSet<>(Repo.topicConstants().values()), new TreeSet<>(topics.keySet()));
        // Up to 3 trainers in one consumer group split the queue.
        assertEquals(3, topics.get("training-requests"));
        assertEquals("false", compose.env("kafka").get("KAFKA_AUTO_CREATE_TOPICS_ENABLE"),
                "topics must come from kafka-init, not from a client's auto-creation");
    }

    @Test
    void kafkaIsOneKraftNode() {
        Map<String, String> kafka = compose.env("kafka");
        assertEquals("broker,controller", kafka.get("KAFKA_PROCESS_ROLES"));
        assertEquals("1@localhost:9093", kafka.get("KAFKA_CONTROLLER_QUORUM_VOTERS"));
        assertEquals(kafka.get("KAFKA_NODE_ID"), kafka.get("KAFKA_CONTROLLER_QUORUM_VOTERS").split("@")[0]);
        KubernetesManifestsTest.assertKafkaClusterId(kafka.get("CLUSTER_ID"));
        assertTrue(kafka.get("KAFKA_LOG_DIRS").startsWith(
                compose.volumeMounts("kafka").entrySet().stream().filter(e -> e.getValue().equals("kafka-data"))
                        .findFirst().orElseThrow().getKey()), "Kafka's log dirs must be on its volume");
    }

    @Test
    void imagesAreBuiltFromTheServicesDockerfiles() {
        for (String name : List.of(TRAINER, GENERATOR)) {
            Map<String, Object> s = compose.service(name);
            assertEquals("wordlm/" + name + ":latest", s.get("image"));
            Map<String, Object> build = ComposeFile.map(s.get("build"));
            assertEquals(".", build.get("context"), "the build context is the repository root");
            assertEquals(name + "/Dockerfile", build.get("dockerfile"));
            assertTrue(Files.isRegularFile(Repo.path(name + "/Dockerfile")));
        }
    }

    @Test
    void theGpuOverrideRunsTheCudaTrainerOnAnNvidiaGpuAndTheDefaultStaysCpu() {
        ComposeFile gpu = mergedGpu();
        Map<String, Object> trainer = gpu.service(TRAINER);
        assertEquals("wordlm/trainer-service:latest-cuda", trainer.get("image"));
        Map<String, Object> build = ComposeFile.map(trainer.get("build"));
        assertEquals("cu124", ComposeFile.map(build.get("args")).get("FLAVOR"));
        assertEquals("trainer-service/Dockerfile", build.get("dockerfile"));
        assertEquals("cuda", gpu.env(TRAINER).get("WORDLM_DEVICE"));

        List<?> devices = ComposeFile.list(ComposeFile.map(ComposeFile.map(ComposeFile.map(
                trainer.get("deploy")).get("resources")).get("reservations")).get("devices"));
        assertEquals(1, devices.size());
        Map<String, Object> device = ComposeFile.map(devices.get(0));
        assertEquals("nvidia", device.get("driver"));
        assertTrue(ComposeFile.list(device.get("capabilities")).contains("gpu"));
        assertEquals(1, device.get("count"));

        // Only the trainer changes; everything else is the CPU file.
        for (String name : compose.services().keySet()) {
            if (!name.equals(TRAINER)) {
                assertFalse(gpu.service(name).containsKey("deploy"), name);
            }
            assertFalse(compose.service(name).containsKey("deploy"), "default " + name + " reserves devices");
        }
        assertEquals("cpu", compose.env(TRAINER).get("WORDLM_DEVICE"));
        assertFalse(ComposeFile.map(compose.service(TRAINER).get("build")).containsKey("args"),
                "the default build is the CPU flavor");
    }

    @Test
    void theCiOverrideSwapsOnlyTheKafkaAndPostgresImagesForOnesBuiltHere() {
        // scripts/compose-check runs the system with these; everything but the two images must stay the users'.
        ComposeFile ci = merged("docker-compose.ci.yml");
        ComposeFile plain = ComposeFile.parse(Tools.run(List.of(Tools.require("docker-compose").toString(),
                "--env-file", SECRETS, "-f", "docker-compose.yml", "config"), Repo.ROOT).stdout());
        Map<String, String> images = Map.of("kafka", "wordlm-ci/kafka:" + Repo.pomProperty("kafka.version"),
                "kafka-init", "wordlm-ci/kafka:" + Repo.pomProperty("kafka.version"), "postgres", "wordlm-ci/postgres:15");
        assertEquals(plain.services().keySet(), ci.services().keySet());
        for (String name : plain.services().keySet()) {
            Map<String, Object> expected = new TreeMap<>(plain.service(name));
            Map<String, Object> actual = new TreeMap<>(ci.service(name));
            // compose's merge may reorder a service's volumes
            for (Map<String, Object> m : List.of(expected, actual)) {
                m.computeIfPresent("volumes", (k, v) -> new TreeSet<>(ComposeFile.list(v).stream().map(String::valueOf).toList()));
            }
            if (images.containsKey(name)) {
                assertEquals(images.get(name), actual.remove("image"), name);
                expected.remove("image");
            }
            assertEquals(expected, actual, name + " differs in more than its image");
        }
        // Those images are built from docker/ci, and the compose check builds them under those names.
        String check = Repo.read("scripts/compose-check");
        assertTrue(check.contains("\"wordlm-ci/kafka:$kafka_version\" docker/ci/kafka/Dockerfile"), "kafka image build");
        assertTrue(check.contains("wordlm-ci/postgres:15 docker/ci/postgres/Dockerfile"), "postgres image build");
        assertTrue(check.contains("-f docker-compose.yml -f docker-compose.ci.yml"), "the check uses the override");
    }

    @ParameterizedTest
    @ValueSource(strings = {"fetch-data", "fetch-ptb"})
    void fetchToolsFillTheTrainersDatasetsVolume(String tool) {
        Map<String, Object> fetch = compose.service(tool);
        assertEquals(List.of("tools"), fetch.get("profiles"), "`up` must not start it");
        assertEquals(compose.service(TRAINER).get("image"), fetch.get("image"),
                "the trainer image carries the script and owns the volume");
        assertEquals(List.of("sh", "/opt/app/bin/" + tool + ".sh"), fetch.get("entrypoint"));
        String dataRoot = compose.env(TRAINER).get("WORDLM_DATA_ROOT");
        assertEquals(dataRoot, compose.env(tool).get("WORDLM_DATA_ROOT"));
        assertEquals("datasets", compose.volumeMounts(tool).get(dataRoot));
        assertTrue(Repo.read("trainer-service/Dockerfile")
                .contains("COPY scripts/" + tool + ".sh /opt/app/bin/" + tool + ".sh"));
    }

    @Test
    void fetchDataFetchesTheReferencesDefaultCorpusUnlessTold() {
        assertEquals(List.of("wikitext-2"), compose.service("fetch-data").get("command"),
                "`docker compose run --rm fetch-data ptb` replaces it");
    }

    @Test
    void postgresKeepsItsDataOnANamedVolume() {
        Map<String, String> mounts = compose.volumeMounts("postgres");
        assertEquals("postgres-data", mounts.get("/var/lib/postgresql/data"), "postgres mounts " + mounts);
        Set<String> envNames = new LinkedHashSet<>(compose.env("postgres").keySet());
        assertEquals(Set.of("POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD"), envNames);
        Map<String, String> expected = new HashMap<>(Map.of("POSTGRES_DB", "wordlm", "POSTGRES_USER", "wordlm"));
        expected.forEach((k, v) -> assertEquals(v, compose.env("postgres").get(k)));
    }
}
