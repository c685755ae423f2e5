package dev.wordlm.trainer.run;

import java.util.List;

/** One page of {@code GET /api/runs}, newest first. */
public record RunPage(List<RunView> items, int page, int size, long total, int totalPages) {
}
