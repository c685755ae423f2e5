package dev.wordlm.testing;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;

/**
 * The one reader of server-sent event streams for the tests of every module (shared as this module's test-jar), with
 * the format's rules as a browser's EventSource applies them: fields {@code event}, {@code id} and {@code data}, one
 * space after the colon dropped, several data lines joined with newlines, an event without a name is a
 * {@code message}, and a blank line ends an event that had data. Lenient in one way: an event the stream ends in
 * without its blank line is kept.
 */
public final class SseParser {

    /** One event: its name, its own id (null without one) and its data. */
    public record Event(String name, String id, String data) {
    }

    private SseParser() {
    }

    /** Reads every line, calling {@code onEvent} as each event completes; returns them all, in order. */
    public static List<Event> parse(Iterator<String> lines, Consumer<Event> onEvent) {
        List<Event> events = new ArrayList<>();
        String name = null;
        String id = null;
        StringBuilder data = null;
        while (lines.hasNext()) {
            String line = lines.next();
            if (line.isEmpty()) {
                if (data != null) {
                    dispatch(new Event(name == null ? "message" : name, id, data.toString()), events, onEvent);
                }
                name = null;
                id = null;
                data = null;
            } else if (line.startsWith("event:")) {
                name = value(line);
            } else if (line.startsWith("id:")) {
                id = value(line);
            } else if (line.startsWith("data:")) {
                data = data == null ? new StringBuilder(value(line)) : data.append('\n').append(value(line));
            }
        }
        if (data != null) {
            dispatch(new Event(name == null ? "message" : name, id, data.toString()), events, onEvent);
        }
        return events;
    }

    private static void dispatch(Event event, List<Event> events, Consumer<Event> onEvent) {
        events.add(event);
        onEvent.accept(event);
    }

    private static String value(String line) {
        String v = line.substring(line.indexOf(':') + 1);
        return v.startsWith(" ") ? v.substring(1) : v;
    }
}
