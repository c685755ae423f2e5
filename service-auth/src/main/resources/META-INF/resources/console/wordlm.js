/*
 * Shared by both services' consoles: the bearer token (pasted once, kept for this browser tab), calls to the
 * services' APIs with it, server-sent events read with fetch() (EventSource cannot send an Authorization header),
 * and the messages for 401 and 403.
 */
"use strict";
const Wordlm = (() => {
  const TOKEN_KEY = "wordlm.token";

  function token() {
    return sessionStorage.getItem(TOKEN_KEY) || "";
  }

  function headers(extra) {
    const h = Object.assign({}, extra || {});
    if (token()) {
      h.Authorization = "Bearer " + token();
    }
    return h;
  }

  /**
   * A refused API call: the HTTP status and the service's error body: the trainer's (title, detail, errors: [{field,
   * message}]) or the generator's (error, message, fields: {name: message}).
   */
  class ApiError extends Error {
    constructor(status, problem) {
      super(explain(status, problem));
      this.status = status;
      this.problem = problem || {};
    }

    /** Field name to message, for the forms. */
    fieldErrors() {
      const out = {};
      for (const e of this.problem.errors || []) {
        out[e.field] = out[e.field] ? out[e.field] + "; " + e.message : e.message;
      }
      return Object.assign(out, this.problem.fields || {});
    }
  }

  function explain(status, problem) {
    const detail = problem ? problem.detail || problem.message || "" : "";
    if (status === 401) {
      return token() ? "401 Unauthorized: the token is not valid here. Paste another in the token field."
        : "401 Unauthorized: this needs a bearer token. Paste one in the token field at the top.";
    }
    if (status === 403) {
      return "403 Forbidden: your token's role may not do this (it needs the admin token).";
    }
    return status + " " + ((problem && (problem.title || problem.error)) || "Error") + (detail ? ": " + detail : "");
  }

  async function problemOf(response) {
    const text = await response.text();
    try {
      return JSON.parse(text);
    } catch (e) {
      return { detail: text.slice(0, 200) };
    }
  }

  /** Calls an API; resolves to its JSON (null when empty), rejects with an ApiError. */
  async function api(path, options) {
    const o = options || {};
    const init = { method: o.method || "GET", headers: headers({ Accept: "application/json" }), signal: o.signal };
    if (o.json !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(o.json);
    } else if (o.body !== undefined) {
      init.body = o.body;
    }
    const response = await fetch(path, init);
    if (!response.ok) {
      throw new ApiError(response.status, await problemOf(response));
    }
    const text = await response.text();
    return text ? JSON.parse(text) : null;
  }

  /**
   * Reads a text/event-stream: calls onEvent({event, data, id}) per event, resolves when the stream ends. Abort it
   * with options.signal.
   */
  async function stream(path, onEvent, options) {
    const o = options || {};
    const response = await fetch(path, { headers: headers({ Accept: "text/event-stream" }), signal: o.signal });
    if (!response.ok) {
      throw new ApiError(response.status, await problemOf(response));
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    let event = { event: "message", data: [], id: null };
    const line = (l) => {
      if (l === "") {
        if (event.data.length) {
          onEvent({ event: event.event, data: event.data.join("\n"), id: event.id });
        }
        event = { event: "message", data: [], id: null };
        return;
      }
      if (l.startsWith(":")) {
        return;
      }
      const colon = l.indexOf(":");
      const field = colon < 0 ? l : l.slice(0, colon);
      let value = colon < 0 ? "" : l.slice(colon + 1);
      if (value.startsWith(" ")) {
        value = value.slice(1);
      }
      if (field === "event") {
        event.event = value;
      } else if (field === "data") {
        event.data.push(value);
      } else if (field === "id") {
        event.id = value;
      }
    };
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        break;
      }
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.search(/\r\n|\r|\n/)) >= 0) {
        const sep = buffer.startsWith("\r\n", end) ? 2 : 1;
        line(buffer.slice(0, end));
        buffer = buffer.slice(end + sep);
      }
    }
    line("");
  }

  /** Shows an error (an ApiError or any other) in an element with role=alert; null hides it. */
  function showError(element, error) {
    const el = element || document.getElementById("page-error");
    if (!error) {
      el.hidden = true;
      el.textContent = "";
      return;
    }
    el.textContent = error instanceof ApiError ? error.message : "Error: " + (error.message || error);
    el.hidden = false;
  }

  /** Puts each field error next to its field (#err-NAME, the input #f-NAME); returns those without a field. */
  function showFieldErrors(form, error) {
    for (const el of form.querySelectorAll(".field .error")) {
      el.textContent = "";
    }
    for (const el of form.querySelectorAll("[aria-invalid]")) {
      el.removeAttribute("aria-invalid");
    }
    const left = [];
    if (!error) {
      return left;
    }
    const errors = error instanceof ApiError ? error.fieldErrors() : {};
    let first = null;
    for (const [field, message] of Object.entries(errors)) {
      const slot = form.querySelector("#err-" + CSS.escape(field));
      const input = form.querySelector("#f-" + CSS.escape(field));
      if (slot) {
        slot.textContent = message;
        if (input) {
          input.setAttribute("aria-invalid", "true");
          first = first || input;
        }
      } else {
        left.push(field + ": " + message);
      }
    }
    if (first) {
      first.focus();
    }
    return left;
  }

  /** A form's refusal: field errors next to their fields, anything else (401, 403, a field not on the form) in slot. */
  function showFormError(form, slot, error) {
    const rest = showFieldErrors(form, error);
    if (!(error instanceof ApiError) || error.status !== 400 || rest.length) {
      slot.textContent = error.message + (rest.length ? " " + rest.join("; ") : "");
      slot.hidden = false;
    }
  }

  /** Downloads an API file with the token (a plain link cannot send it). */
  async function download(path, filename) {
    const response = await fetch(path, { headers: headers() });
    if (!response.ok) {
      throw new ApiError(response.status, await problemOf(response));
    }
    const url = URL.createObjectURL(await response.blob());
    const a = document.createElement("a");
    a.href = url;
    a.download = filename;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  function tokenField() {
    const form = document.getElementById("token-form");
    const input = document.getElementById("token");
    const state = document.getElementById("token-state");
    const show = () => {
      state.textContent = token() ? "token set for this tab" : "no token";
    };
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      if (input.value.trim()) {
        sessionStorage.setItem(TOKEN_KEY, input.value.trim());
      }
      input.value = "";
      show();
      document.dispatchEvent(new CustomEvent("wordlm:token"));
    });
    document.getElementById("token-forget").addEventListener("click", () => {
      sessionStorage.removeItem(TOKEN_KEY);
      show();
      document.dispatchEvent(new CustomEvent("wordlm:token"));
    });
    show();
  }

  const fmt = {
    num(x, digits) {
      return x === null || x === undefined || Number.isNaN(x) ? "–" : Number(x).toFixed(digits === undefined ? 2 : digits);
    },
    bytes(n) {
      if (n === null || n === undefined) {
        return "–";
      }
      return n >= 1e6 ? (n / 1e6).toFixed(1) + " MB" : n >= 1e3 ? (n / 1e3).toFixed(1) + " kB" : n + " B";
    },
    time(iso) {
      return iso ? new Date(iso).toLocaleString() : "–";
    },
    seconds(s) {
      if (s === null || s === undefined) {
        return "–";
      }
      const t = Math.round(s);
      const h = Math.floor(t / 3600);
      const m = Math.floor((t % 3600) / 60);
      return (h ? h + " h " : "") + (h || m ? m + " min " : "") + (t % 60) + " s";
    },
  };

  /** Sets an element's text; "–" for nothing. */
  function text(id, value) {
    const el = typeof id === "string" ? document.getElementById(id) : id;
    el.textContent = value === null || value === undefined || value === "" ? "–" : String(value);
  }

  /** A table cell or other element with text, never HTML. */
  function el(tag, content, attrs) {
    const e = document.createElement(tag);
    if (content instanceof Node) {
      e.appendChild(content);
    } else if (content !== undefined && content !== null) {
      e.textContent = String(content);
    }
    for (const [k, v] of Object.entries(attrs || {})) {
      e.setAttribute(k, v);
    }
    return e;
  }

  /** The values of a form rendered from the options (data-option fields), as the API's JSON names them. */
  function optionValues(form) {
    const out = {};
    for (const input of form.querySelectorAll("[data-option]")) {
      const name = input.dataset.option;
      if (input.type === "checkbox") {
        if (input.checked || input.dataset.default === "true") {
          out[name] = input.checked;
        }
      } else if (input.value.trim() !== "") {
        const v = input.value.trim();
        out[name] = input.type === "number" && v !== "" && Number.isFinite(Number(v)) ? Number(v) : v;
      }
    }
    return out;
  }

  /** A line chart (uPlot) that fills its container's width; data: [xs, ys...], the xs whole numbers. */
  function chart(container, title, xLabel, yLabel, series) {
    const opts = {
      title: title,
      width: Math.max(280, container.clientWidth),
      height: 260,
      scales: { x: { time: false } },
      series: [{ label: xLabel }].concat(series.map((s) => Object.assign({ width: 2, spanGaps: true }, s))),
      // x is an epoch or batch number: ticks on whole numbers only
      axes: [{ label: xLabel, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000] },
        { label: yLabel }],
    };
    const data = [[]].concat(series.map(() => []));
    const plot = new uPlot(opts, data, container);
    window.addEventListener("resize", () => plot.setSize({ width: Math.max(280, container.clientWidth), height: 260 }));
    return {
      plot: plot,
      /** Replaces the data; the container's data-points says how many x values it shows (the tests read it). */
      set(newData) {
        plot.setData(newData);
        container.dataset.points = String(newData[0].length);
      },
    };
  }

  document.addEventListener("DOMContentLoaded", tokenField);
  return { api, stream, ApiError, showError, showFieldErrors, showFormError, download, fmt, text, el, optionValues, chart, token };
})();
