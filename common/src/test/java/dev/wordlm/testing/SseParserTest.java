package dev.wordlm.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {

    @Test
    void readsNamesIdsAndDataAsAnEventSourceWould() {
        List<SseParser.Event> seen = new ArrayList<>();
        List<SseParser.Event> events = SseParser.parse(List.of(
                ": a comment", "event: word", "id: 1", "data: {\"w\":\"a\"}", "",
                "data:  two spaces", "data:second", "", "",
                "event: empty", "",
                "event: done", "data: {}").iterator(), seen::add);
        assertEquals(List.of(
                new SseParser.Event("word", "1", "{\"w\":\"a\"}"),
                new SseParser.Event("message", null, " two spaces\nsecond"),
                new SseParser.Event("done", null, "{}")), events);
        assertEquals(events, seen);
    }
}
