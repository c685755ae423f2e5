package dev.wordlm.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A Dockerfile as instructions grouped into build stages (enough for the facts the tests check). */
record Dockerfile(List<Stage> stages) {

    record Instruction(int line, String keyword, String args) {
    }

    record Stage(String from, String name, List<Instruction> instructions) {
        List<String> args(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::args).toList();
        }

        String last(String keyword) {
            List<String> all = args(keyword);
            return all.isEmpty() ? null : all.get(all.size() - 1);
        }
    }

    static Dockerfile read(String relative) {
        return parse(Repo.read(relative));
    }

    /** Joins continuation lines, drops comments and blank lines (as Docker does), splits at FROM. */
    static Dockerfile parse(String text) {
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder current = null;
        int startLine = 0;
        String[] lines = text.split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].strip();
            if (line.startsWith("#") || (line.isEmpty() && current == null)) {
                continue;
            }
            if (current == null) {
                current = new StringBuilder();
                startLine = n + 1;
            }
            boolean continues = line.endsWith("\\");
            current.append(continues ? line.substring(0, line.length() - 1) : line).append(' ');
            if (!continues) {
                String s = current.toString().strip();
                int sp = s.indexOf(' ');
                instructions.add(new Instruction(startLine, s.substring(0, sp < 0 ? s.length() : sp).toUpperCase(Locale.ROOT),
                        sp < 0 ? "" : s.substring(sp + 1).strip().replaceAll("\\s+", " ")));
                current = null;
            }
        }
        List<Stage> stages = new ArrayList<>();
        for (Instruction i : instructions) {
            if (i.keyword().equals("FROM")) {
                String[] parts = i.args().split(" ");
                String name = parts.length >= 3 && parts[parts.length - 2].equalsIgnoreCase("AS") ? parts[parts.length - 1] : null;
                stages.add(new Stage(parts[0], name, new ArrayList<>()));
            } else if (!stages.isEmpty()) {
                stages.get(stages.size() - 1).instructions().add(i);
            }
        }
        return new Dockerfile(stages);
    }

    Stage stage(String name) {
        return stages.stream().filter(s -> name.equals(s.name())).findFirst()
                .orElseThrow(() -> new AssertionError("no stage " + name));
    }

    Stage last() {
        return stages.get(stages.size() - 1);
    }
}
