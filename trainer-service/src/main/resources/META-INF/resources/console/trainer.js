/* The trainer's console pages: each page's <body data-page> picks its part below. Uses Wordlm (wordlm.js). */
"use strict";
(() => {
  const { api, stream, showError, showFieldErrors, showFormError, fmt, text, el, optionValues, chart } = Wordlm;
  const COLORS = ["#0a58ca", "#b00020", "#146c2e", "#8a4b00", "#6f42c1", "#00707a", "#a0006e", "#444"];
  const REFRESH_MS = 3000;
  const RECONNECT_MS = 2000;

  function modelOf(config) {
    return config ? config.model + " " + config.nlayers + "×" + config.nhid + " (emb " + config.emsize + ")" : "–";
  }

  function runLink(run) {
    return el("a", run.name || run.id.slice(0, 8), { href: "/runs/" + run.id });
  }

  function statusCell(status) {
    return el("td", status, { class: "status status-" + status });
  }

  // ---- runs table ----
  function runsPage() {
    const body = document.querySelector("#runs tbody");
    const filter = document.getElementById("status-filter");
    const compare = document.getElementById("compare");
    const selected = new Set();
    let page = 0;
    let totalPages = 1;

    async function load() {
      try {
        const q = new URLSearchParams({ page: String(page), size: "20" });
        if (filter.value) {
          q.set("status", filter.value);
        }
        const result = await api("/api/runs?" + q);
        totalPages = Math.max(1, result.totalPages);
        body.replaceChildren(...result.items.map(row));
        text("page-of", "page " + (page + 1) + " of " + totalPages + " (" + result.total + " runs)");
        document.getElementById("prev").disabled = page === 0;
        document.getElementById("next").disabled = page + 1 >= totalPages;
        text("updated", "updated " + new Date().toLocaleTimeString());
        showError(null, null);
      } catch (e) {
        showError(null, e);
      }
    }

    function row(run) {
      const tr = el("tr", null, { "data-run-id": run.id });
      const box = el("input", null, { type: "checkbox", "aria-label": "compare " + (run.name || run.id) });
      box.checked = selected.has(run.id);
      box.addEventListener("change", () => {
        box.checked ? selected.add(run.id) : selected.delete(run.id);
        compare.disabled = selected.size < 2;
      });
      const p = run.progress || {};
      const t = run.timings || {};
      tr.append(el("td", box), el("td", runLink(run)), statusCell(run.status), el("td", modelOf(run.config)),
        el("td", run.dataset), el("td", (p.epochsCompleted || 0) + " of " + p.epochs),
        el("td", fmt.num(run.bestValidPerplexity)), el("td", fmt.num(run.testPerplexity)),
        el("td", fmt.num(p.tokensPerSecond, 0)), el("td", fmt.time(t.startedAt)), el("td", fmt.seconds(t.runningSeconds)));
      return tr;
    }

    filter.addEventListener("change", () => {
      page = 0;
      load();
    });
    document.getElementById("prev").addEventListener("click", () => {
      page = Math.max(0, page - 1);
      load();
    });
    document.getElementById("next").addEventListener("click", () => {
      page = Math.min(totalPages - 1, page + 1);
      load();
    });
    compare.addEventListener("click", () => {
      location.href = "/compare?run=" + [...selected].join(",");
    });
    document.addEventListener("wordlm:token", load);
    load();
    setInterval(load, REFRESH_MS);
  }

  // ---- one run ----
  function runPage() {
    const id = document.getElementById("run").dataset.runId;
    const epochs = new Map();
    const batches = [[], []];
    const epochChart = chart(document.getElementById("epoch-chart"), "Perplexity", "epoch", "perplexity",
      [{ label: "train ppl", stroke: COLORS[0] }, { label: "valid ppl", stroke: COLORS[1] }]);
    const batchChart = chart(document.getElementById("batch-chart"), "Training loss", "batch", "loss",
      [{ label: "train loss", stroke: COLORS[2] }]);
    const log = document.getElementById("log");
    let batchesPerEpoch = 0;
    let following = null;

    function showRun(run) {
      const p = run.progress || {};
      const t = run.timings || {};
      text("run-name", run.name || "");
      const status = document.getElementById("run-status");
      status.textContent = run.status + (run.cancelRequested && run.status === "RUNNING" ? " (cancelling)" : "");
      status.className = "status status-" + run.status;
      document.getElementById("run-error").textContent = run.error || "";
      text("run-dataset", run.dataset);
      text("run-epoch", (p.epochsCompleted || 0) + " of " + p.epochs + " done" + (p.epoch ? ", at epoch " + p.epoch : ""));
      text("run-batch", p.batch ? p.batch + " of " + p.batches : "");
      text("run-best", fmt.num(run.bestValidPerplexity));
      text("run-test", fmt.num(run.testPerplexity));
      text("run-speed", fmt.num(p.tokensPerSecond, 0));
      text("run-started", fmt.time(t.startedAt));
      text("run-duration", fmt.seconds(t.runningSeconds));
      document.getElementById("cancel").disabled = ["COMPLETED", "FAILED", "CANCELLED"].includes(run.status);
      const config = document.getElementById("config");
      config.replaceChildren();
      for (const [k, v] of Object.entries(run.config || {})) {
        config.append(el("dt", k), el("dd", v));
      }
      if (run.checkpoints) {
        document.querySelector("#checkpoints tbody").replaceChildren(...run.checkpoints.map(checkpointRow));
      }
    }

    function checkpointRow(c) {
      const path = "/api/checkpoints/" + c.id + "/content";
      const link = el("a", "download", { href: path });
      link.addEventListener("click", (e) => {
        e.preventDefault();
        Wordlm.download(path, c.id + ".wlm").catch((err) => showError(null, err));
      });
      const tr = el("tr");
      tr.append(el("td", c.epoch), el("td", fmt.num(c.validPerplexity)), el("td", fmt.bytes(c.sizeBytes)),
        el("td", el("code", c.sha256.slice(0, 16) + "…", { title: c.sha256 })), el("td", fmt.time(c.createdAt)),
        el("td", link));
      return tr;
    }

    function addEpoch(m) {
      epochs.set(m.epoch, m);
      const sorted = [...epochs.values()].sort((a, b) => a.epoch - b.epoch);
      epochChart.set([sorted.map((e) => e.epoch), sorted.map((e) => e.trainPerplexity), sorted.map((e) => e.validPerplexity)]);
      document.querySelector("#epochs tbody").replaceChildren(...sorted.map((e) => {
        const tr = el("tr");
        tr.append(el("td", e.epoch), el("td", fmt.num(e.trainLoss)), el("td", fmt.num(e.trainPerplexity)),
          el("td", fmt.num(e.validLoss)), el("td", fmt.num(e.validPerplexity)), el("td", fmt.num(e.lr, 4)),
          el("td", fmt.num(e.seconds, 1)), el("td", fmt.num(e.tokensPerSecond, 0)));
        return tr;
      }));
    }

    function addBatch(b) {
      batchesPerEpoch = b.batches;
      batches[0].push((b.epoch - 1) * batchesPerEpoch + b.batch);
      batches[1].push(b.loss);
      batchChart.set(batches);
      text("run-batch", b.batch + " of " + b.batches + " (epoch " + b.epoch + ", loss " + fmt.num(b.loss) + ")");
    }

    async function refresh() {
      showRun(await api("/api/runs/" + id));
    }

    async function follow() {
      if (following) {
        following.abort();
      }
      following = new AbortController();
      try {
        for (const m of await api("/api/runs/" + id + "/metrics")) {
          addEpoch(m);
        }
        await stream("/api/runs/" + id + "/events", (e) => {
          const data = JSON.parse(e.data);
          if (e.event === "run") {
            showRun(data);
          } else if (e.event === "epoch") {
            addEpoch(data);
            refresh().catch(() => {});
          } else if (e.event === "batch") {
            addBatch(data);
          } else if (e.event === "log") {
            log.textContent += data.line + "\n";
          } else if (e.event === "status") {
            refresh().catch(() => {});
          }
        }, { signal: following.signal });
        await refresh();
        showError(null, null);
      } catch (e) {
        if (e.name === "AbortError") {
          return;
        }
        showError(null, e);
        if (e instanceof Wordlm.ApiError) {
          return; // 401, 403, 404: a new token (or page) is needed, not a retry
        }
      }
      // The stream ended early (a restart, a proxy's timeout): follow again while the run goes on.
      const status = document.getElementById("run-status").textContent;
      if (!["COMPLETED", "FAILED", "CANCELLED"].some((s) => status.startsWith(s))) {
        setTimeout(follow, RECONNECT_MS);
      }
    }

    document.getElementById("cancel").addEventListener("click", async () => {
      const state = document.getElementById("cancel-state");
      try {
        showRun(await api("/api/runs/" + id + "/cancel", { method: "POST" }));
        state.textContent = "cancellation requested";
      } catch (e) {
        state.textContent = "";
        showError(null, e);
      }
    });
    document.addEventListener("wordlm:token", follow);
    follow();
  }

  // ---- several runs on one chart ----
  function comparePage() {
    const input = document.getElementById("compare-ids");
    const ids = (new URLSearchParams(location.search).get("run") || "").split(",").map((s) => s.trim()).filter(Boolean);
    input.value = ids.join(",");
    document.getElementById("compare-form").addEventListener("submit", (e) => {
      e.preventDefault();
      location.search = "?run=" + encodeURIComponent(input.value.replace(/\s+/g, ""));
    });
    if (!ids.length) {
      return;
    }
    const series = ids.map((id, i) => ({ label: id.slice(0, 8), stroke: COLORS[i % COLORS.length] }));
    const valid = chart(document.getElementById("valid-chart"), "Validation perplexity", "epoch", "perplexity", series);
    const train = chart(document.getElementById("train-chart"), "Training perplexity", "epoch", "perplexity", series);

    async function load() {
      try {
        const runs = await Promise.all(ids.map((id) => api("/api/runs/" + id)));
        const metrics = await Promise.all(ids.map((id) => api("/api/runs/" + id + "/metrics")));
        const xs = [...new Set(metrics.flat().map((m) => m.epoch))].sort((a, b) => a - b);
        const column = (field) => metrics.map((ms) => xs.map((x) => {
          const m = ms.find((e) => e.epoch === x);
          return m ? m[field] : null;
        }));
        valid.set([xs, ...column("validPerplexity")]);
        train.set([xs, ...column("trainPerplexity")]);
        document.querySelector("#compared tbody").replaceChildren(...runs.map((run) => {
          const tr = el("tr");
          tr.append(el("td", runLink(run)), statusCell(run.status), el("td", modelOf(run.config)),
            el("td", (run.progress.epochsCompleted || 0) + " of " + run.progress.epochs),
            el("td", fmt.num(run.bestValidPerplexity)), el("td", fmt.num(run.testPerplexity)));
          return tr;
        }));
        showError(null, null);
      } catch (e) {
        showError(null, e);
      }
    }
    document.addEventListener("wordlm:token", load);
    load();
    setInterval(load, REFRESH_MS * 2);
  }

  // ---- the new-run form ----
  function newRunPage() {
    const form = document.getElementById("run-form");
    const dataset = document.getElementById("f-dataset");
    const formError = document.getElementById("form-error");

    async function datasets() {
      try {
        const list = await api("/api/datasets");
        const chosen = dataset.value;
        dataset.replaceChildren(...list.map((d) => el("option", d.name)));
        dataset.value = list.some((d) => d.name === chosen) ? chosen : "sample";
      } catch (e) {
        showError(null, e);
      }
    }

    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const body = Object.assign({ dataset: dataset.value }, optionValues(form));
      const name = document.getElementById("f-name").value.trim();
      if (name) {
        body.name = name;
      }
      showFieldErrors(form, null);
      showError(formError, null);
      const button = document.getElementById("submit-run");
      button.disabled = true;
      try {
        const run = await api("/api/runs", { method: "POST", json: body });
        text("run-state", "queued " + run.id);
        location.href = "/runs/" + run.id;
      } catch (err) {
        showFormError(form, formError, err);
      } finally {
        button.disabled = false;
      }
    });
    document.addEventListener("wordlm:token", datasets);
    datasets();
  }

  // ---- the dataset catalogue and upload ----
  function datasetsPage() {
    const form = document.getElementById("upload-form");
    const formError = document.getElementById("form-error");

    async function load() {
      try {
        const list = await api("/api/datasets");
        document.querySelector("#datasets tbody").replaceChildren(...list.map((d) => {
          const tr = el("tr");
          const bytes = (split) => (d.splitBytes || {})[split + ".txt"];
          const size = (split) => fmt.bytes(bytes(split));
          tr.append(el("td", d.name), el("td", d.builtIn ? "yes" : "no"), el("td", size("train")),
            el("td", size("valid")), el("td", size("test")));
          return tr;
        }));
        showError(null, null);
      } catch (e) {
        showError(null, e);
      }
    }

    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      showFieldErrors(form, null);
      showError(formError, null);
      try {
        const d = await api("/api/datasets", { method: "POST", body: new FormData(form) });
        text("upload-state", "stored " + d.name);
        form.reset();
        load();
      } catch (err) {
        showFormError(form, formError, err);
      }
    });
    document.addEventListener("wordlm:token", load);
    load();
  }

  const pages = { runs: runsPage, run: runPage, compare: comparePage, "new-run": newRunPage, datasets: datasetsPage };
  document.addEventListener("DOMContentLoaded", () => pages[document.body.dataset.page]());
})();
