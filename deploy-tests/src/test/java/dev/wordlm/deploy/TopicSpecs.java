package dev.wordlm.deploy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The "topic:partitions" list that the compose init step and the Kubernetes Job loop over. */
final class TopicSpecs {
    private static final Pattern LOOP = Pattern.compile("for spec in ([^;]+);");
    private static final Pattern SPEC = Pattern.compile("([A-Za-z0-9._-]+):(\\d+)");

    private TopicSpecs() {
    }

    static Map<String, Integer> parse(String script) {
        Matcher loop = LOOP.matcher(script);
        if (!loop.find()) {
            throw new AssertionError("no 'for spec in topic:partitions ...;' loop in:\n" + script);
        }
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String token : loop.group(1).trim().split("\\s+")) {
            Matcher m = SPEC.matcher(token);
            if (!m.matches()) {
                throw new AssertionError("not topic:partitions: " + token);
            }
            out.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        if (!script.contains("--if-not-exists") || !script.contains("--partitions \"${spec##*:}\"")) {
            throw new AssertionError("topics must be created idempotently with their partitions:\n" + script);
        }
        return out;
    }
}
