package dev.wordlm.deploy;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A service's configuration contract: the keys of its application.properties and of its {@code @ConfigMapping}
 * interfaces (where each {@code wordlm.*} default is defined, once). Quarkus reads each key from an environment
 * variable named by upper-casing it and replacing every other character with '_' (wordlm.data-root ->
 * WORDLM_DATA_ROOT); a deployment may only set variables that map to a key, or it configures nothing (a typo would
 * be silently ignored at run time).
 */
record ServiceConfig(String service, Properties properties, Set<String> mappedKeys) {

    /** Variables read by the JVM launcher, DJL, PyTorch and glibc's malloc rather than by Quarkus. */
    static final Set<String> RUNTIME_ENV = Set.of(
            "JAVA_OPTS", "DJL_CACHE_DIR", "DJL_OFFLINE", "OPT_OUT_TRACKING",
            "PYTORCH_LIBRARY_PATH", "PYTORCH_FLAVOR",
            "MALLOC_ARENA_MAX", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "GOMP_SPINCOUNT", "OMP_WAIT_POLICY",
            // Kubernetes expands it into KAFKA_SASL_JAAS_CONFIG ($(SASL_PASSWORD)); the service never reads it.
            "SASL_PASSWORD");

    /** Further variables an image itself may set for its OS and JRE. */
    static final Set<String> IMAGE_ENV = Set.of("LANG", "JAVA_HOME", "PATH");

    /** The configuration mappings each service reads: its own and those of service-auth. */
    private static final List<String> SHARED_MAPPINGS = List.of(
            "service-auth/src/main/java/dev/wordlm/auth/AuthConfig.java",
            "service-auth/src/main/java/dev/wordlm/problem/HttpLimits.java");

    static final ServiceConfig TRAINER = load("trainer-service");
    static final ServiceConfig GENERATOR = load("generator-service");

    static ServiceConfig load(String service) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(Repo.read(service + "/src/main/resources/application.properties")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> mappings = new java.util.ArrayList<>(SHARED_MAPPINGS);
        mappings.add(switch (service) {
            case "trainer-service" -> "trainer-service/src/main/java/dev/wordlm/trainer/config/TrainerSettings.java";
            case "generator-service" -> "generator-service/src/main/java/dev/wordlm/generator/config/GeneratorConfig.java";
            default -> throw new IllegalArgumentException("not a service: " + service);
        });
        Set<String> keys = new TreeSet<>();
        mappings.forEach(file -> keys.addAll(ConfigMappingKeys.of(Repo.read(file))));
        return new ServiceConfig(service, p, keys);
    }

    static ServiceConfig of(String service) {
        return switch (service) {
            case "trainer-service" -> TRAINER;
            case "generator-service" -> GENERATOR;
            default -> throw new IllegalArgumentException("not a service: " + service);
        };
    }

    /** Quarkus' environment variable name of a property key; a profile prefix (%prod.) is dropped. */
    static String envNameOf(String key) {
        String k = key.startsWith("%") ? key.substring(key.indexOf('.') + 1) : key;
        return k.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    Set<String> envNames() {
        Set<String> names = properties.stringPropertyNames().stream().map(ServiceConfig::envNameOf)
                .collect(Collectors.toCollection(TreeSet::new));
        mappedKeys.forEach(k -> names.add(envNameOf(k)));
        return names;
    }

    int httpPort() {
        String port = properties.getProperty("quarkus.http.port");
        if (port == null) {
            throw new AssertionError(service + " sets no quarkus.http.port");
        }
        return Integer.parseInt(port.trim());
    }

    /** The names among {@code names} that neither map to a key nor are known runtime variables. */
    List<String> unknownEnv(Collection<String> names, boolean imageLevel) {
        Set<String> keys = envNames();
        return names.stream()
                .filter(n -> !keys.contains(n) && !RUNTIME_ENV.contains(n)
                        && !(imageLevel && IMAGE_ENV.contains(n)))
                .sorted().toList();
    }

    void assertEnvKnown(Collection<String> names, boolean imageLevel, String where) {
        List<String> unknown = unknownEnv(names, imageLevel);
        if (!unknown.isEmpty()) {
            throw new AssertionError(where + " sets " + unknown + ", which map to no key of " + service
                    + " (its application.properties and configuration mappings) " + envNames());
        }
    }
}
