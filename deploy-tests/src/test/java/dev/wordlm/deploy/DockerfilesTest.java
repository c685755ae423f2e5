package dev.wordlm.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1PodSecurityContext;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The service Dockerfiles, the CI images' and .dockerignore: linted, and checked against the build and the deployments. */
class DockerfilesTest {

    @ParameterizedTest
    @ValueSource(strings = {"trainer-service", "generator-service", "docker/ci/kafka", "docker/ci/postgres"})
    void theDockerfilePassesTheLinter(String dir) {
        Tools.Result r = Tools.run(List.of(Tools.dockerfileLinter().toString(), "lint", dir + "/Dockerfile"), Repo.ROOT);
        assertEquals(0, r.exitCode(), "dockerfile-utils lint " + dir + "/Dockerfile:\n" + r.output());
        assertEquals("", r.output().strip(), "lint findings:\n" + r.output());
    }

    @Test
    void theLinterFindsErrors(@TempDir Path tmp) throws IOException {
        // Pins that the linter does lint (an exit code of 0 on everything would prove nothing).
        Path bad = tmp.resolve("Dockerfile");
        Files.writeString(bad, "FROM eclipse-temurin:17-jre-jammy\nRUNN true\nEXPOSE 80/xyz\n");
        Tools.Result r = Tools.run(List.of(Tools.dockerfileLinter().toString(), "lint", bad.toString()), Repo.ROOT);
        assertTrue(r.exitCode() != 0 && r.output().contains("RUNN"), r.output());
    }

    @ParameterizedTest
    @ValueSource(strings = {"trainer-service", "generator-service"})
    void buildsOnDebiansJavaFromMavenOrTheHostsJarsAndRunsAsTheUserTheDeploymentsExpect(String service) {
        Dockerfile df = Dockerfile.read(service + "/Dockerfile");
        String text = Repo.read(service + "/Dockerfile");
        String release = Repo.pomProperty("maven.compiler.release");
        String flavor = service.equals("trainer-service") ? "${FLAVOR}" : "cpu";
        String suffix = service.equals("trainer-service") ? "-cpu" : "";
        assertTrue(text.lines().noneMatch(l -> l.matches("#\\s*syntax\\s*=.*")),
                "a syntax directive makes BuildKit pull its front-end, and no registry may answer");
        assertTrue(text.contains("\nARG BASE_IMAGE=debian:bookworm-slim\n"), "users get Debian's slim image");
        assertTrue(text.contains("\nARG JARS=maven\n"), "the self-contained build by default");

        // The distribution's JRE runs the service; its JDK (same release) builds it.
        Dockerfile.Stage jre = df.stage("jre");
        assertTrue(String.join(" ", jre.args("RUN")).contains("openjdk-" + release + "-jre-headless"), jre.args("RUN").toString());
        Dockerfile.Stage jdk = df.stage("jdk");
        assertEquals("jre", jdk.from());
        assertTrue(String.join(" ", jdk.args("RUN")).contains("openjdk-" + release + "-jdk-headless"), jdk.args("RUN").toString());
        assertEquals(service.equals("trainer-service") ? "os-${FLAVOR}" : "${BASE_IMAGE}", jre.from());
        if (service.equals("trainer-service")) {
            assertEquals("${BASE_IMAGE}", df.stage("os-cpu").from());
        }

        // JARS=maven builds with the wrapper and a cache; JARS=host copies what the host's build made.
        // Both are the `build` stage, which unpacks the natives, and the one runtime copies from it.
        String maven = String.join("\n", df.stage("jars-maven" + suffix).args("RUN"));
        assertEquals("jdk", df.stage("jars-maven" + suffix).from());
        assertTrue(maven.contains("--mount=type=cache,target=/root/.m2") && maven.contains("./mvnw -B -ntp")
                && maven.contains("-pl " + service + " -am package -DskipTests"), maven);
        Dockerfile.Stage host = df.stage("jars-host" + suffix);
        assertEquals("jdk", host.from());
        assertEquals(List.of(service + "/target/quarkus-app /src/" + service + "/target/quarkus-app"), host.args("COPY"));
        Dockerfile.Stage build = df.stage("build");
        assertEquals(service.equals("trainer-service") ? "jars-${JARS}-${FLAVOR}" : "jars-${JARS}", build.from());
        assertTrue(String.join("\n", build.args("RUN")).contains("docker/extract-djl-natives.sh " + service
                + "/target/quarkus-app/lib/main " + flavor + " /out/djl-natives"), "natives unpacked at build time");

        Dockerfile.Stage runtime = df.last();
        assertEquals("jre", runtime.from(), "the runtime is the JRE stage, whichever way the jars came");

        // The user is numeric (so Kubernetes can verify runAsNonRoot) and is the deployment's.
        String user = runtime.last("USER");
        assertTrue(user != null && user.matches("[1-9][0-9]*:[1-9][0-9]*"), "USER " + user);
        V1Deployment d = Kube.loadStrict(Repo.read("k8s/base/" + service + ".yaml"), service).stream()
                .filter(V1Deployment.class::isInstance).map(V1Deployment.class::cast).findFirst().orElseThrow();
        V1PodSecurityContext sc = d.getSpec().getTemplate().getSpec().getSecurityContext();
        assertEquals(user, sc.getRunAsUser() + ":" + sc.getRunAsGroup());
        assertEquals(Long.parseLong(user.split(":")[1]), sc.getFsGroup());

        assertEquals(String.valueOf(ServiceConfig.of(service).httpPort()), runtime.last("EXPOSE"));
        assertTrue(runtime.last("ENTRYPOINT").contains("-jar /opt/app/quarkus-run.jar"), runtime.last("ENTRYPOINT"));
        assertTrue(runtime.args("COPY").contains("--from=build /src/" + service + "/target/quarkus-app /opt/app"));

        Map<String, String> env = env(runtime);
        ServiceConfig.of(service).assertEnvKnown(env.keySet(), true, service + "/Dockerfile");
        assertEquals("true", env.get("DJL_OFFLINE"));
        assertEquals("true", env.get("OPT_OUT_TRACKING"));
        if (service.equals("trainer-service")) {
            // the corpus fetchers the compose tools and `kubectl exec` run; fetch-ptb.sh calls fetch-data.sh beside it
            for (String script : List.of("fetch-data.sh", "fetch-ptb.sh")) {
                assertTrue(runtime.args("COPY").contains("scripts/" + script + " /opt/app/bin/" + script), script);
            }
            // the malloc settings that ./lm and ./lm up take from scripts/native-env.sh, with the same values
            Map<String, String> malloc = nativeEnvDefaults();
            assertFalse(malloc.isEmpty(), "no defaults found in scripts/native-env.sh");
            malloc.forEach((name, value) -> assertEquals(value, env.get(name), service + "/Dockerfile " + name));
        }
        assertTrue(env.get("DJL_CACHE_DIR").startsWith("/tmp/"), "DJL's cache on the writable /tmp");
        assertTrue(runtime.args("COPY").contains("--from=build /out/djl-natives " + env.get("PYTORCH_LIBRARY_PATH")),
                "PYTORCH_LIBRARY_PATH is where the natives are copied");
        // The engine is loaded once at build time from those natives.
        assertTrue(String.join("\n", runtime.args("RUN")).contains("dev.wordlm.engine.EngineCheck"),
                "no build-time engine check");
        // The directories the service writes exist and belong to the user.
        String setup = String.join("\n", runtime.args("RUN"));
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (e.getKey().startsWith("WORDLM_")) {
                assertTrue(setup.contains(e.getValue()), e.getKey() + "=" + e.getValue() + " is not created");
            }
        }
        assertTrue(setup.contains("chown -R " + user + " /data"), setup);
    }

    @Test
    void theServicesShareTheirJreLayerWithTheCiKafkaImage() {
        // One download of the JRE for every image scripts/compose-check builds: the same instruction on the same base.
        String trainer = Dockerfile.read("trainer-service/Dockerfile").stage("jre").args("RUN").get(0);
        assertEquals(trainer, Dockerfile.read("generator-service/Dockerfile").stage("jre").args("RUN").get(0));
        assertEquals(trainer, Dockerfile.read("docker/ci/kafka/Dockerfile").last().args("RUN").get(0));
    }

    @Test
    void theTrainerHasACudaFlavorBuiltWithTheCudaProfile() {
        Dockerfile df = Dockerfile.read("trainer-service/Dockerfile");
        String text = Repo.read("trainer-service/Dockerfile");
        assertTrue(text.contains("\nARG FLAVOR=cpu\n"), "CPU by default");

        String cudaRun = String.join(" ", df.stage("jars-maven-cu124").args("RUN"));
        assertTrue(cudaRun.contains("-Pcuda -pl trainer-service -am package"), cudaRun);
        String cpuRun = String.join(" ", df.stage("jars-maven-cpu").args("RUN"));
        assertFalse(cpuRun.contains("-Pcuda"), cpuRun);
        assertEquals("jars-host-cpu", df.stage("jars-host-cu124").from(), "the host's jars, built with -Pcuda");
        // The profile exists and swaps in the CUDA 12.4 natives the CUDA base image matches.
        String pom = Repo.read("pom.xml");
        assertTrue(pom.matches("(?s).*<id>cuda</id>\\s*<properties>\\s*<pytorch.native.artifact>pytorch-native-cu124<.*"),
                "pom.xml profile cuda -> pytorch-native-cu124");
        assertTrue(df.stage("os-cu124").from().startsWith("nvidia/cuda:12.4."), df.stage("os-cu124").from());
        assertEquals("os-${FLAVOR}", df.stage("jre").from());

        // The compose GPU override selects that flavor.
        Map<String, Object> args = ComposeFile.map(ComposeFile.map(
                ComposeFile.read("docker-compose.gpu.yml").service("trainer-service").get("build")).get("args"));
        df.stage("jars-maven-" + args.get("FLAVOR"));
        df.stage("jars-host-" + args.get("FLAVOR"));
        df.stage("os-" + args.get("FLAVOR"));
    }

    @Test
    void dockerignoreKeepsEveryBuildInputAndDropsLocalState() {
        List<String> patterns = Repo.read(".dockerignore").lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertEquals(List.of("!trainer-service/target/quarkus-app", "!generator-service/target/quarkus-app"),
                patterns.stream().filter(p -> p.startsWith("!")).toList(),
                "the only exceptions: the host's applications, for JARS=host");

        List<String> inputs = new ArrayList<>(List.of("pom.xml", "mvnw", ".mvn/wrapper/maven-wrapper.properties",
                "docker/extract-djl-natives.sh", "scripts/fetch-data.sh", "scripts/fetch-ptb.sh",
                "trainer-service/src/main/resources/application.properties",
                "generator-service/src/main/resources/application.properties",
                "trainer-service/target/quarkus-app/quarkus-run.jar",
                "generator-service/target/quarkus-app/lib/main/x.jar"));
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(Repo.read("pom.xml"));
        while (m.find()) {
            inputs.add(m.group(1) + "/pom.xml");
            inputs.add(m.group(1) + "/src/main/java/X.java");
        }
        for (String in : inputs) {
            assertFalse(ignored(patterns, in), ".dockerignore excludes the build input " + in);
        }
        for (String out : List.of(".git/config", "trainer-service/target/x.jar", "common/target/classes/A.class",
                "trainer-service/target/classes/A.class", ".cache/djl/x", "data/ptb/train.txt",
                "checkpoints/run-1/model.params")) {
            assertTrue(ignored(patterns, out), ".dockerignore lets " + out + " into the build context");
        }
    }

    /**
     * Docker's rule: a path is excluded if it or one of its parent directories matches a pattern, and the last
     * matching pattern decides ({@code !pattern} lets it in again).
     */
    private static boolean ignored(List<String> patterns, String path) {
        List<String> prefixes = new ArrayList<>();
        String[] parts = path.split("/");
        for (int i = 1; i <= parts.length; i++) {
            prefixes.add(String.join("/", java.util.Arrays.copyOf(parts, i)));
        }
        boolean ignored = false;
        for (String pattern : patterns) {
            boolean exception = pattern.startsWith("!");
            String p = exception ? pattern.substring(1) : pattern;
            List<PathMatcher> matchers = new ArrayList<>(List.of(FileSystems.getDefault().getPathMatcher("glob:" + p)));
            if (p.startsWith("**/")) { // "**" also matches zero directories
                matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + p.substring(3)));
            }
            for (String prefix : prefixes) {
                if (matchers.stream().anyMatch(x -> x.matches(Path.of(prefix)))) {
                    ignored = !exception;
                    break;
                }
            }
        }
        return ignored;
    }

    /** ENV of a stage, in both syntaxes (NAME=value pairs, quoted values allowed). */
    private static Map<String, String> env(Dockerfile.Stage stage) {
        Map<String, String> env = new LinkedHashMap<>();
        Pattern pair = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|\\S*)");
        for (String args : stage.args("ENV")) {
            Matcher m = pair.matcher(args);
            while (m.find()) {
                env.put(m.group(1), m.group(2).replaceAll("^\"|\"$", ""));
            }
        }
        return env;
    }

    /** The {@code : "${NAME:=VALUE}"} defaults of scripts/native-env.sh. */
    private static Map<String, String> nativeEnvDefaults() {
        Map<String, String> defaults = new java.util.LinkedHashMap<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^: \"\\$\\{(\\w+):=([^}]*)}\"$")
                .matcher(Repo.read("scripts/native-env.sh"));
        while (m.find()) {
            defaults.put(m.group(1), m.group(2));
        }
        return defaults;
    }
}
