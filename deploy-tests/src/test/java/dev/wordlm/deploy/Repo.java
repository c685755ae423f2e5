package dev.wordlm.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The repository under test: deploy-tests reads the deployment files as files, never via other modules. */
final class Repo {
    /** Set by surefire to the module's parent directory; ".." when run from the module directory. */
    static final Path ROOT =
            Path.of(System.getProperty("wordlm.repo.root", "..")).toAbsolutePath().normalize();

    private Repo() {
    }

    static Path path(String relative) {
        return ROOT.resolve(relative);
    }

    static String read(String relative) {
        Path file = path(relative);
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + relative + " under " + ROOT, e);
        }
    }

    /** A property of the parent pom, e.g. kafka.version: the versions the services are built with. */
    static String pomProperty(String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</" + Pattern.quote(name) + ">")
                .matcher(read("pom.xml"));
        if (!m.find()) {
            throw new AssertionError("pom.xml has no property " + name);
        }
        return m.group(1).trim();
    }

    /**
     * The Kafka topics the code uses, read from the constants of common's Topics class: the single
     * source of truth that compose and Kubernetes must create.
     */
    static Map<String, String> topicConstants() {
        String source = read("common/src/main/java/dev/wordlm/events/Topics.java");
        Matcher m = Pattern.compile("static\\s+final\\s+String\\s+(\\w+)\\s*=\\s*\"([^\"]+)\"").matcher(source);
        Map<String, String> topics = new LinkedHashMap<>();
        while (m.find()) {
            topics.put(m.group(1), m.group(2));
        }
        if (topics.isEmpty()) {
            throw new AssertionError("no topic constants found in Topics.java");
        }
        return topics;
    }
}
