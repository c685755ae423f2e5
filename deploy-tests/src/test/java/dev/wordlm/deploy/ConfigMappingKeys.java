package dev.wordlm.deploy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The keys of a SmallRye {@code @ConfigMapping} interface, read from its source: the prefix, then for each abstract
 * method its name in kebab case (the mapping's default naming), nested group interfaces adding the name of the
 * method that returns them ({@code Model model();} + {@code Duration requestTimeout();} ->
 * {@code wordlm.model.request-timeout}). Enough for this project's mappings: no {@code @WithName}, no maps or lists
 * of groups, default methods skipped.
 */
final class ConfigMappingKeys {
    private static final Pattern PREFIX = Pattern.compile("@ConfigMapping\\(prefix\\s*=\\s*\"([^\"]+)\"\\)");
    private static final Pattern INTERFACE = Pattern.compile("\\binterface\\s+(\\w+)");
    private static final Pattern METHOD = Pattern.compile("^\\s*([\\w.<>, ?]+?)\\s+(\\w+)\\(\\);");

    private record Method(String type, String name) {
    }

    private ConfigMappingKeys() {
    }

    static Set<String> of(String source) {
        Matcher prefix = PREFIX.matcher(source);
        if (!prefix.find()) {
            throw new IllegalArgumentException("no @ConfigMapping prefix");
        }
        // Each interface's abstract methods, by brace depth: a method belongs to the innermost open interface.
        Map<String, List<Method>> methods = new LinkedHashMap<>();
        Deque<String> open = new ArrayDeque<>();
        Map<String, Integer> openedAt = new HashMap<>();
        int depth = 0;
        String root = null;
        for (String line : source.split("\n")) {
            String code = line.replaceAll("//.*$", "");
            if (code.trim().startsWith("*") || code.trim().startsWith("/*")) {
                continue;
            }
            Matcher declared = INTERFACE.matcher(code);
            if (declared.find() && code.contains("{")) {
                String name = declared.group(1);
                root = root == null ? name : root;
                open.push(name);
                openedAt.put(name, depth + 1);
                methods.put(name, new ArrayList<>());
            } else {
                Matcher method = METHOD.matcher(code);
                if (method.find() && !open.isEmpty() && depth == openedAt.get(open.peek())
                        && !code.contains("default ") && !code.contains("static ")) {
                    methods.get(open.peek()).add(new Method(method.group(1).trim(), method.group(2)));
                }
            }
            for (char c : code.toCharArray()) {
                if (c == '{') {
                    depth++;
                } else if (c == '}') {
                    if (!open.isEmpty() && depth == openedAt.get(open.peek())) {
                        open.pop();
                    }
                    depth--;
                }
            }
        }
        Set<String> keys = new TreeSet<>();
        collect(root, prefix.group(1), methods, keys);
        return keys;
    }

    private static void collect(String group, String path, Map<String, List<Method>> methods, Set<String> keys) {
        for (Method m : methods.getOrDefault(group, List.of())) {
            String key = path + "." + kebab(m.name());
            if (methods.containsKey(m.type())) {
                collect(m.type(), key, methods, keys);
            } else {
                keys.add(key);
            }
        }
    }

    private static String kebab(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }
}
