package dev.wordlm.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A compose file as plain YAML maps, with accessors for the parts the tests read. */
record ComposeFile(Map<String, Object> root) {

    static ComposeFile parse(String yaml) {
        Map<String, Object> root = new org.yaml.snakeyaml.Yaml().load(yaml);
        return new ComposeFile(root);
    }

    static ComposeFile read(String relative) {
        return parse(Repo.read(relative));
    }

    Map<String, Object> services() {
        return map(root.get("services"));
    }

    Map<String, Object> service(String name) {
        Object s = services().get(name);
        if (s == null) {
            throw new AssertionError("compose has no service " + name + "; it has " + services().keySet());
        }
        return map(s);
    }

    /** Environment in either compose syntax (map, or list of NAME=value). */
    Map<String, String> env(String service) {
        Object env = service(service).get("environment");
        Map<String, String> out = new LinkedHashMap<>();
        if (env instanceof Map<?, ?> m) {
            m.forEach((k, v) -> out.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
        } else if (env instanceof List<?> l) {
            for (Object o : l) {
                String s = String.valueOf(o);
                int eq = s.indexOf('=');
                out.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? null : s.substring(eq + 1));
            }
        }
        return out;
    }

    /** depends_on as service -> condition; the short list form has no condition (null). */
    Map<String, String> dependsOn(String service) {
        Object d = service(service).get("depends_on");
        Map<String, String> out = new LinkedHashMap<>();
        if (d instanceof Map<?, ?> m) {
            m.forEach((k, v) -> out.put(String.valueOf(k), v == null ? null : (String) map(v).get("condition")));
        } else if (d instanceof List<?> l) {
            l.forEach(s -> out.put(String.valueOf(s), null));
        }
        return out;
    }

    /** Volume mounts in short syntax "source:target[:mode]" as target -> source. */
    Map<String, String> volumeMounts(String service) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Object v : list(service(service).get("volumes"))) {
            if (v instanceof Map<?, ?> m) {
                out.put(String.valueOf(m.get("target")), String.valueOf(m.get("source")));
            } else {
                String[] parts = String.valueOf(v).split(":");
                out.put(parts[1], parts[0]);
            }
        }
        return out;
    }

    /** Container ports published to the host (short "host:container" or long syntax). */
    List<Integer> publishedContainerPorts(String service) {
        List<Integer> out = new ArrayList<>();
        for (Object p : list(service(service).get("ports"))) {
            if (p instanceof Map<?, ?> m) {
                out.add(Integer.parseInt(String.valueOf(m.get("target"))));
            } else {
                String s = String.valueOf(p).replaceAll("/(tcp|udp)$", "");
                out.add(Integer.parseInt(s.substring(s.lastIndexOf(':') + 1)));
            }
        }
        return out;
    }

    /** A service's command or healthcheck test as one string, whichever syntax it uses. */
    static String joined(Object commandOrList) {
        if (commandOrList instanceof List<?> l) {
            return String.join(" ", l.stream().map(String::valueOf).toList());
        }
        return commandOrList == null ? "" : String.valueOf(commandOrList);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        if (o == null) {
            return Map.of();
        }
        if (!(o instanceof Map)) {
            throw new AssertionError("expected a mapping, got: " + o);
        }
        return (Map<String, Object>) o;
    }

    static List<?> list(Object o) {
        return o == null ? List.of() : (List<?>) o;
    }
}
