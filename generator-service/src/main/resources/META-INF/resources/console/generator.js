/* The generator's console: the served model and its choice, the playground (SSE), scoring. Uses Wordlm. */
"use strict";
(() => {
  const { api, stream, showError, showFieldErrors, showFormError, fmt, text, el, optionValues } = Wordlm;
  const trainerUrl = document.currentScript.dataset.trainerUrl;
  const REFRESH_MS = 5000;

  async function served() {
    try {
      const s = await api("/api/model");
      const m = s.model;
      text("m-loaded", s.loaded ? "serving" : "no model yet (generation answers 503 until one is loaded)");
      const run = document.getElementById("m-run");
      run.replaceChildren(m && m.runId ? el("a", m.runId, { href: trainerUrl + "/runs/" + m.runId }) : el("span", "–"));
      text("m-checkpoint", m && m.checkpointId);
      text("m-epoch", m && m.epoch);
      text("m-ppl", m ? fmt.num(m.validPerplexity) : null);
      text("m-model", m && m.architecture ? m.architecture.type + " " + m.architecture.nlayers + "×" + m.architecture.nhid : null);
      text("m-since", m ? fmt.time(m.servingSince) : null);
      const pin = s.pinned ? (s.pinned.checkpointId ? "pinned checkpoint " + s.pinned.checkpointId
        : "pinned run " + s.pinned.runId + ", its " + s.selection) : s.selection;
      text("m-choice", pin);
      text("m-swaps", s.swaps);
      text("m-rejection", s.lastRejection ? JSON.stringify(s.lastRejection) : null);
      showError(null, null);
    } catch (e) {
      showError(null, e);
    }
  }

  function chooser() {
    const form = document.getElementById("choose-form");
    const slot = document.getElementById("choose-error");
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      showError(slot, null);
      const choice = form.querySelector("input[name=choice]:checked").value;
      const body = choice === "checkpoint" ? { checkpointId: document.getElementById("pin-checkpoint").value.trim() }
        : choice === "run" ? { runId: document.getElementById("pin-run").value.trim() } : { selection: choice };
      try {
        await api("/api/model", { method: "PUT", json: body });
        text("choose-state", "applied");
        served();
      } catch (err) {
        text("choose-state", "");
        showFormError(form, slot, err);
      }
    });
  }

  function playground() {
    const form = document.getElementById("generate-form");
    const slot = document.getElementById("generate-error");
    const out = document.getElementById("generated");
    const stop = document.getElementById("stop");
    const go = document.getElementById("generate");
    let running = null;

    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      showFieldErrors(form, null);
      showError(slot, null);
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(optionValues(form))) {
        q.set(k, String(v));
      }
      const prompt = document.getElementById("f-prompt").value;
      if (prompt.trim()) {
        q.set("prompt", prompt);
      }
      out.textContent = "";
      out.dataset.words = "0";
      running = new AbortController();
      go.disabled = true;
      stop.disabled = false;
      const started = performance.now();
      let count = 0;
      try {
        await stream("/generate/stream?" + q, (ev) => {
          if (ev.event === "word") {
            count++;
            out.textContent += ev.data + (count % 20 === 0 ? "\n" : " ");
            out.dataset.words = String(count);
            const seconds = (performance.now() - started) / 1000;
            text("gen-stats", count + " words, " + fmt.num(count / Math.max(seconds, 1e-3), 1) + " words/s");
          } else if (ev.event === "done") {
            const d = JSON.parse(ev.data);
            text("gen-stats", d.count + " words, " + fmt.num(d.timings.wordsPerSecond, 1) + " words/s (seed " + d.seed
              + ", epoch " + d.model.epoch + ")");
            out.dataset.done = "true";
          } else if (ev.event === "error") {
            slot.textContent = "The generation failed: " + JSON.parse(ev.data).message;
            slot.hidden = false;
          }
        }, { signal: running.signal });
      } catch (err) {
        if (err.name !== "AbortError") {
          showFormError(form, slot, err);
        }
      } finally {
        go.disabled = false;
        stop.disabled = true;
      }
    });
    stop.addEventListener("click", () => running && running.abort());
  }

  function scoring() {
    const form = document.getElementById("score-form");
    const slot = document.getElementById("score-error");
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      showFieldErrors(form, null);
      showError(slot, null);
      text("score-result", "");
      try {
        const r = await api("/api/score", { method: "POST", json: { text: document.getElementById("score-text").value } });
        text("score-result", "perplexity " + fmt.num(r.perplexity) + " over " + r.tokens + " tokens (" + r.unknown
          + " unknown), " + fmt.num(r.millis, 0) + " ms");
      } catch (err) {
        showFormError(form, slot, err);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    chooser();
    playground();
    scoring();
    served();
    setInterval(served, REFRESH_MS);
    document.addEventListener("wordlm:token", served);
  });
})();
