// reviewbait moderators' page. Plain JavaScript, no framework, nothing fetched from elsewhere.
// Every text from a post is put into the page with textContent, never as HTML.
"use strict";

const KINDS = ["incentive", "review", "platform", "exchange", "sentiment", "removal", "contact", "reporting", "disclosure"];
// The labeling guide's categories (insert_card is a platform now, not a category).
const POSITIVE = ["contest", "direct_reward", "refund_recruit", "review_swap", "paid_review", "suppression"];
const NEGATIVE = ["giveaway_no_review", "review_request", "survey_incentive", "referral", "promo", "prize_spam",
  "genuine_review", "disclosure", "news_or_report", "other"];
const INCENTIVES = ["prize_draw", "free_product", "refund", "cash", "gift_card", "discount", "points", "upgrade",
  "reciprocal_review", "other"];
const LABEL_COLUMNS = ["id", "text", "label", "category", "language", "platform", "sentiment_conditioned",
  "incentive_type", "notes"];
const PAGE_ROWS = 200;
const INSPECT_BYTES = 1 << 20;

const $ = (id) => document.getElementById(id);
const state = {
  apiKey: null,
  file: null,
  rows: [],
  labels: new Map(), // line -> {label, category, sentiment, incentive, notes, platform}
  verdicts: new Map(), // line -> /v1/check result (evidence spans)
  open: new Set(),
  shown: PAGE_ROWS,
  threshold: null,
  scored: null,
  rejected: null,
  visible: [],
};

class PageError extends Error {}

// ------------------------------------------------------------------ talking to this server

async function call(path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  if (state.apiKey) headers["Authorization"] = "Bearer " + state.apiKey;
  let response;
  try {
    response = await fetch(path, Object.assign({}, options, { headers, credentials: "same-origin" }));
  } catch (err) {
    throw new PageError("The server did not answer (" + err.message + "). Is `reviewbait serve` still running?");
  }
  if (response.status === 401) {
    showAuth(state.apiKey ? "That key was refused; check it and try again." : "");
    throw new PageError("This server needs its API key: enter it above.");
  }
  if (!response.ok) {
    let detail = response.status + " " + response.statusText;
    try {
      const problem = await response.json();
      detail = problem.detail || problem.title || detail;
    } catch (_) { /* not a problem body */ }
    throw new PageError(detail);
  }
  return response;
}

function showAuth(message) {
  $("auth").hidden = false;
  $("auth-message").textContent = message || "";
  $("api-key").focus();
}

async function loadModel() {
  try {
    const info = await (await call("/v1/model")).json();
    $("model-info").textContent = "model " + (info.model_version || "unversioned") +
      " · balanced " + fmt(info.thresholds.balanced) + " · precise " + fmt(info.thresholds.precise);
    $("auth").hidden = true;
  } catch (err) {
    if (!(err instanceof PageError)) throw err;
    $("model-info").textContent = err.message;
  }
}

// ------------------------------------------------------------------ helpers

function fmt(value, digits = 3) {
  return typeof value === "number" ? value.toFixed(digits) : "–";
}

function humanBytes(n) {
  if (n >= 1 << 20) return (n / (1 << 20)).toFixed(n % (1 << 20) ? 1 : 0) + " MiB";
  if (n >= 1 << 10) return (n / (1 << 10)).toFixed(0) + " KiB";
  return n + " bytes";
}

function operatingPoint(prefix) {
  const choice = $(prefix + "-point").value;
  if (choice !== "number") return choice;
  const value = Number($(prefix + "-number").value);
  if (!Number.isFinite(value) || value < 0 || value > 1 || $(prefix + "-number").value === "") {
    throw new PageError("The threshold must be a number from 0 to 1.");
  }
  return value;
}

function wireOperatingPoint(prefix) {
  const select = $(prefix + "-point");
  const sync = () => {
    const custom = select.value === "number";
    $(prefix + "-number").hidden = !custom;
    document.querySelector("label[for=" + prefix + "-number]").hidden = !custom;
  };
  select.addEventListener("change", sync);
  sync();
}

function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("aria-") || key === "role" || key === "for") node.setAttribute(key, value);
    else node[key] = value;
  }
  for (const child of children) node.append(child);
  return node;
}

// Offsets from the server count code points (Python string indices); JavaScript strings count
// UTF-16 units, so the text is split into code points before slicing.
function highlight(container, text, evidence) {
  container.replaceChildren();
  const chars = Array.from(text);
  const cuts = new Set([0, chars.length]);
  const spans = (evidence || []).map((e) => ({
    kind: e.kind, start: Math.max(0, Math.min(e.start, chars.length)), end: Math.max(0, Math.min(e.end, chars.length)),
  })).filter((e) => e.end > e.start);
  for (const e of spans) { cuts.add(e.start); cuts.add(e.end); }
  const points = [...cuts].sort((a, b) => a - b);
  let previous = null;
  for (let i = 0; i + 1 < points.length; i++) {
    const [a, b] = [points[i], points[i + 1]];
    const kinds = KINDS.filter((k) => spans.some((e) => e.kind === k && e.start <= a && e.end >= b));
    const piece = chars.slice(a, b).join("");
    const key = kinds.join(" ");
    if (previous && previous.key === key && key) {
      previous.node.textContent += piece;
      continue;
    }
    if (!kinds.length) {
      container.append(document.createTextNode(piece));
      previous = null;
      continue;
    }
    const mark = el("mark", { class: "ev ev-" + kinds[0] + (kinds.length > 1 ? " ev-multi" : ""), text: piece,
      title: kinds.join(" + ") });
    mark.dataset.kinds = key;
    container.append(mark);
    previous = { key, node: mark };
  }
}

function evidenceList(list, evidence) {
  list.replaceChildren();
  for (const kind of KINDS) {
    const quotes = [...new Set((evidence || []).filter((e) => e.kind === kind).map((e) => e.text))];
    if (!quotes.length) continue;
    list.append(el("li", {}, [el("mark", { class: "ev ev-" + kind, text: kind }), " " + quotes.map((q) => "“" + q + "”").join(", ")]));
  }
  if (!list.children.length) list.append(el("li", { class: "muted", text: "no cue found" }));
}

function legend() {
  return $("legend-template").content.firstElementChild.cloneNode(true);
}

function sentimentWords(result) {
  if (!result.is_solicitation) return "–";
  return result.sentiment_conditioned ? "yes: the reward depends on a positive review" : "no";
}

// ------------------------------------------------------------------ view 1: check one post

async function checkPost(event) {
  event.preventDefault();
  $("check-error").textContent = "";
  const text = $("check-text").value;
  if (!text.trim()) {
    $("check-error").textContent = "Paste a post first.";
    return;
  }
  let threshold;
  try {
    threshold = operatingPoint("check");
  } catch (err) {
    $("check-error").textContent = err.message;
    return;
  }
  $("check-button").disabled = true;
  try {
    const response = await call("/v1/check", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ text, threshold }),
    });
    const body = await response.json();
    showVerdict(text, body.results[0], body.threshold);
  } catch (err) {
    if (!(err instanceof PageError)) throw err;
    $("check-error").textContent = err.message;
  } finally {
    $("check-button").disabled = false;
  }
}

function showVerdict(text, result, threshold) {
  const verdict = $("verdict");
  verdict.textContent = result.is_solicitation ? "Flagged: review solicitation" : "Not flagged";
  verdict.className = "verdict " + (result.is_solicitation ? "flagged" : "clear");
  $("check-probability").textContent = fmt(result.probability);
  $("check-category").textContent = result.category || "–";
  const offered = Object.prototype.hasOwnProperty.call(result, "incentive_type");
  for (const node of document.querySelectorAll(".offered")) node.hidden = !offered;
  $("check-offered").textContent = offered ? (result.incentive_type || "–") : "";
  $("check-sentiment").textContent = sentimentWords(result);
  $("check-threshold").textContent = fmt(threshold);
  highlight($("check-text-shown"), text, result.evidence);
  evidenceList($("check-evidence"), result.evidence);
  $("check-result").hidden = false;
}

// ------------------------------------------------------------------ view 2: review a file

function maxUpload() {
  return Number(document.querySelector("meta[name=reviewbait-max-upload-bytes]").content);
}

function fileError(message) {
  $("file-error").textContent = message ? "Cannot use this file: " + message : "";
}

async function chooseFile() {
  fileError("");
  $("file-note").textContent = "";
  const select = $("text-column");
  select.replaceChildren();
  select.disabled = true;
  $("score-button").disabled = true;
  const file = $("file-input").files[0];
  state.file = file || null;
  if (!file) return;
  if (file.size > maxUpload()) {
    fileError(file.name + " is " + humanBytes(file.size) + "; this server takes files up to " +
      humanBytes(maxUpload()) + " (max_upload_bytes). Split it, or score it with `reviewbait score`.");
    return;
  }
  // The header and the first rows are enough to list the columns; compressed files go whole.
  const whole = /\.(gz|parquet|pq)$/i.test(file.name) || file.size <= INSPECT_BYTES;
  const body = whole ? file : file.slice(0, INSPECT_BYTES);
  try {
    const info = await (await call("/v1/files/inspect?name=" + encodeURIComponent(file.name), { method: "POST", body })).json();
    for (const column of info.columns) {
      select.append(el("option", { value: column, text: column, selected: column === info.text_column }));
    }
    select.disabled = false;
    $("score-button").disabled = false;
    $("file-note").textContent = info.note ||
      "The column " + JSON.stringify(info.text_column) + " looks like the text; choose another if it is not.";
  } catch (err) {
    if (!(err instanceof PageError)) throw err;
    fileError(err.message);
  }
}

async function scoreFile(event) {
  event.preventDefault();
  fileError("");
  const file = state.file;
  if (!file) return;
  if (state.labels.size && !confirm("Scoring a file starts a new table and drops the " + state.labels.size +
      " labels of this one. Go on? (Cancel, then download the labels, to keep them.)")) {
    return;
  }
  let threshold;
  try {
    threshold = operatingPoint("file");
  } catch (err) {
    fileError(err.message);
    return;
  }
  const query = new URLSearchParams({ name: file.name, text_column: $("text-column").value, threshold: String(threshold) });
  if ($("skip-bad-lines").checked) query.set("skip_bad_lines", "true");
  $("score-button").disabled = true;
  $("file-progress").hidden = false;
  $("progress-bar").removeAttribute("value");
  $("progress-text").textContent = "Sending " + file.name + " (" + humanBytes(file.size) + ")…";
  try {
    const response = await call("/v1/files/score?" + query, { method: "POST", body: file });
    await readEvents(response, file.name);
  } catch (err) {
    if (!(err instanceof PageError)) throw err;
    fileError(err.message);
    $("file-progress").hidden = true;
  } finally {
    $("score-button").disabled = false;
  }
}

async function readEvents(response, name) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (value) buffer += decoder.decode(value, { stream: !done });
    let newline;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      if (line.trim()) onEvent(JSON.parse(line), name);
    }
    if (done) break;
  }
}

function onEvent(event, name) {
  if (event.event === "progress") {
    if (typeof event.fraction === "number") $("progress-bar").value = event.fraction;
    $("progress-text").textContent = "Scoring " + name + ": " + event.rows.toLocaleString() + " rows" +
      (typeof event.fraction === "number" ? " (" + Math.round(event.fraction * 100) + " %)" : "");
  } else if (event.event === "error") {
    $("file-progress").hidden = true;
    throw new PageError(event.detail);
  } else if (event.event === "done") {
    $("file-progress").hidden = true;
    showRows(event);
  }
}

function decode64(text) {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

function showRows(done) {
  state.rows = done.rows.slice().sort((a, b) => b.probability - a.probability || a.line - b.line);
  state.labels = new Map();
  state.verdicts = new Map();
  state.open = new Set();
  state.shown = PAGE_ROWS;
  state.threshold = done.threshold;
  state.scored = { name: done.scored.name, bytes: decode64(done.scored.base64) };
  state.rejected = done.rejected ? { name: done.rejected.name, bytes: decode64(done.rejected.base64) } : null;
  $("download-rejected").hidden = !state.rejected;
  const s = done.summary;
  let summary = s.input + ": " + s.rows_read.toLocaleString() + " rows, " + s.rows_flagged.toLocaleString() +
    " flagged at threshold " + fmt(done.threshold) + "; text column " + JSON.stringify(s.text_column) + ".";
  if (s.rows_rejected) summary += " " + s.rows_rejected + " malformed lines skipped (download them below).";
  if (s.replaced_bytes) summary += " " + s.replaced_bytes + " undecodable bytes replaced (first on line " +
    s.first_replaced_line + "): is the file UTF-8?";
  $("file-summary").textContent = summary;
  fillFilter($("filter-category"), state.rows.map((r) => r.category).filter(Boolean));
  fillFilter($("filter-language"), state.rows.map((r) => r.language));
  $("file-result").hidden = false;
  renderRows();
}

function fillFilter(select, values) {
  const counts = new Map();
  for (const value of values) counts.set(value, (counts.get(value) || 0) + 1);
  select.replaceChildren(el("option", { value: "", text: "any" }));
  for (const [value, count] of [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) {
    select.append(el("option", { value, text: value + " (" + count + ")" }));
  }
}

function visibleRows() {
  const flag = $("filter-flag").value;
  const category = $("filter-category").value;
  const language = $("filter-language").value;
  return state.rows.filter((row) => {
    if (flag === "flagged" && !row.flag) return false;
    if (flag === "unflagged" && row.flag) return false;
    if (flag === "labeled" && !state.labels.has(row.line)) return false;
    if (flag === "unlabeled" && state.labels.has(row.line)) return false;
    if (category && row.category !== category) return false;
    if (language && row.language !== language) return false;
    return true;
  });
}

function renderRows(focusLine) {
  const rows = visibleRows();
  state.visible = rows;
  const body = $("rows-body");
  body.replaceChildren();
  for (const row of rows.slice(0, state.shown)) {
    body.append(rowElement(row));
    if (state.open.has(row.line)) body.append(detailElement(row));
  }
  $("more-rows").hidden = rows.length <= state.shown;
  $("row-count").textContent = rows.length.toLocaleString() + " of " + state.rows.length.toLocaleString() + " rows" +
    (rows.length > state.shown ? " (first " + state.shown + " shown)" : "");
  updateLabelCount();
  if (focusLine !== undefined) focusRow(focusLine);
}

function rowElement(row) {
  const label = state.labels.get(row.line);
  const tr = el("tr", { class: "row" + (row.flag ? " flagged" : "") + (label ? " labeled-" + label.label : ""), tabIndex: -1 });
  tr.dataset.line = row.line;
  tr.setAttribute("aria-expanded", state.open.has(row.line) ? "true" : "false");
  // One tab stop for the whole table (the focused row); its buttons answer to y and n.
  const solicitation = el("button", { type: "button", text: "solicitation", class: "label-1", title: "y", tabIndex: -1 });
  const not = el("button", { type: "button", text: "not", class: "label-0", title: "n", tabIndex: -1 });
  solicitation.setAttribute("aria-pressed", label && label.label === 1 ? "true" : "false");
  not.setAttribute("aria-pressed", label && label.label === 0 ? "true" : "false");
  solicitation.setAttribute("aria-label", "label line " + row.line + " solicitation");
  not.setAttribute("aria-label", "label line " + row.line + " not a solicitation");
  tr.append(
    el("td", { text: String(row.line) }),
    el("td", { text: fmt(row.probability) }),
    el("td", { class: "flag", text: row.flag ? "flagged" : "–" }),
    el("td", { text: row.category || "–" }),
    el("td", { text: row.language === "und" ? "?" : row.language + (row.language_given ? "" : "?"),
      title: row.language_given ? "from the file" : "guessed from the words" }),
    el("td", { class: "text", text: row.text.replace(/\s+/g, " ").trim(), title: "Enter to open" }),
    el("td", { class: "label" }, [solicitation, " ", not]),
  );
  if (!tr.parentNode && state.visible[0] === row) tr.tabIndex = 0;
  return tr;
}

function detailElement(row) {
  const td = el("td", { colSpan: 7 });
  const tr = el("tr", { class: "detail" }, [td]);
  tr.dataset.line = row.line;
  const shown = el("div", { class: "highlight" });
  const list = el("ul", { class: "evidence" });
  const verdict = state.verdicts.get(row.line);
  if (verdict) {
    highlight(shown, row.text, verdict.evidence);
    evidenceList(list, verdict.evidence);
  } else {
    shown.textContent = row.text;
    list.append(el("li", { class: "muted", text: "finding the evidence…" }));
    loadVerdict(row);
  }
  const facts = el("p", { class: "muted", text: "id " + row.id + " · probability " + fmt(row.probability) +
    (row.flag ? " · " + (row.category || "no category") + (row.sentiment_conditioned ? " · sentiment-conditioned" : "") : "") +
    (row.evidence ? " · " + row.evidence : "") });
  td.append(facts, shown, list, legend());
  const label = state.labels.get(row.line);
  if (label) td.append(labelFields(row, label));
  return tr;
}

async function loadVerdict(row) {
  try {
    const response = await call("/v1/check", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ text: row.text, threshold: state.threshold }),
    });
    state.verdicts.set(row.line, (await response.json()).results[0]);
  } catch (err) {
    if (!(err instanceof PageError)) throw err;
    state.verdicts.set(row.line, { evidence: [], error: err.message });
  }
  redrawDetail(row);
}

function redrawDetail(row) {
  const old = document.querySelector("tr.detail[data-line='" + row.line + "']");
  if (!old) return;
  const active = document.activeElement && old.contains(document.activeElement) ? document.activeElement.id : null;
  old.replaceWith(detailElement(row));
  if (active) $(active)?.focus();
}

// Category, sentiment, what is offered and notes of a labeled row: the guide's columns.
function labelFields(row, label) {
  const box = el("div", { class: "label-fields" });
  const id = "l" + row.line;
  const category = el("select", { id: id + "-category" });
  category.append(el("option", { value: "", text: "choose…" }));
  for (const name of label.label === 1 ? POSITIVE : NEGATIVE) {
    category.append(el("option", { value: name, text: name, selected: label.category === name }));
  }
  category.addEventListener("change", () => { label.category = category.value; updateLabelCount(); });
  const incentive = el("select", { id: id + "-incentive", disabled: label.label !== 1 });
  incentive.append(el("option", { value: "", text: "–" }));
  for (const name of INCENTIVES) incentive.append(el("option", { value: name, text: name, selected: label.incentive === name }));
  incentive.addEventListener("change", () => { label.incentive = incentive.value; });
  const sentiment = el("input", { type: "checkbox", id: id + "-sentiment", checked: label.sentiment, disabled: label.label !== 1 });
  sentiment.addEventListener("change", () => { label.sentiment = sentiment.checked; });
  const notes = el("input", { type: "text", id: id + "-notes", value: label.notes, size: 30 });
  notes.addEventListener("input", () => { label.notes = notes.value; });
  box.append(
    el("label", { for: category.id, text: "category" }), category,
    el("label", { for: incentive.id, text: "what is offered" }), incentive,
    el("label", { class: "inline" }, [sentiment, " positive review required"]),
    el("label", { for: notes.id, text: "notes" }), notes,
  );
  return box;
}

function setLabel(line, value) {
  const row = state.rows.find((r) => r.line === line);
  if (!row) return;
  const current = state.labels.get(line);
  if (value === null || (current && current.label === value)) {
    state.labels.delete(line);
  } else {
    const verdict = state.verdicts.get(line) || {};
    let category = value === 1 ? (row.category || "") : "other";
    let platform = row.platform || "";
    if (category === "insert_card") { // the guide: a medium, recorded as the platform
      category = "direct_reward";
      platform = platform || "insert_card";
    }
    state.labels.set(line, {
      label: value,
      category: value === 1 ? (POSITIVE.includes(category) ? category : "") : category,
      sentiment: value === 1 && row.sentiment_conditioned,
      incentive: value === 1 ? (verdict.incentive_type || row.incentive_type || "") : "",
      notes: current ? current.notes : "",
      platform,
    });
  }
  renderRows(line);
}

function focusRow(line) {
  const rows = [...document.querySelectorAll("#rows-body tr.row")];
  for (const tr of rows) tr.tabIndex = -1;
  const target = rows.find((tr) => Number(tr.dataset.line) === line) || rows[0];
  if (!target) return;
  target.tabIndex = 0;
  target.focus();
}

function toggleOpen(line) {
  if (state.open.has(line)) state.open.delete(line);
  else state.open.add(line);
  renderRows(line);
}

function onTableKey(event) {
  const tr = event.target.closest && event.target.closest("tr.row");
  if (!tr || event.altKey || event.ctrlKey || event.metaKey) return;
  if (event.target.tagName === "BUTTON" && (event.key === "Enter" || event.key === " ")) return;
  const line = Number(tr.dataset.line);
  const rows = [...document.querySelectorAll("#rows-body tr.row")];
  const index = rows.indexOf(tr);
  const move = (step) => {
    const next = rows[index + step];
    if (next) focusRow(Number(next.dataset.line));
  };
  switch (event.key) {
    case "ArrowDown": case "j": move(1); break;
    case "ArrowUp": case "k": move(-1); break;
    case "Home": move(-index); break;
    case "End": move(rows.length - 1 - index); break;
    case "Enter": case " ": case "o": toggleOpen(line); break;
    case "y": case "1": setLabel(line, 1); break;
    case "n": case "0": setLabel(line, 0); break;
    case "u": case "Delete": case "Backspace": setLabel(line, null); break;
    default: return;
  }
  event.preventDefault();
}

function onTableClick(event) {
  const tr = event.target.closest("tr.row");
  if (!tr) return;
  const line = Number(tr.dataset.line);
  if (event.target.closest("button.label-1")) setLabel(line, 1);
  else if (event.target.closest("button.label-0")) setLabel(line, 0);
  else toggleOpen(line);
}

function updateLabelCount() {
  const n = state.labels.size;
  $("label-count").textContent = n + " labeled (" + [...state.labels.values()].filter((l) => l.label === 1).length +
    " solicitation)";
}

// ------------------------------------------------------------------ view 3: downloads

function csvCell(value) {
  const text = String(value ?? "");
  return /[",\r\n]/.test(text) || /^\s|\s$/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
}

function download(name, parts, type) {
  const url = URL.createObjectURL(new Blob(parts, { type }));
  const link = el("a", { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

function downloadLabels() {
  $("download-error").textContent = "";
  if (!state.labels.size) {
    $("download-error").textContent = "No row is labeled yet: press y or n on a row, or use its buttons.";
    return;
  }
  const labeled = state.rows.filter((row) => state.labels.has(row.line)).sort((a, b) => a.line - b.line);
  const missing = labeled.filter((row) => !state.labels.get(row.line).category);
  if (missing.length) {
    $("download-error").textContent = "Choose a category for line" + (missing.length > 1 ? "s " : " ") +
      missing.slice(0, 10).map((r) => r.line).join(", ") + " (open the row): `reviewbait train --data` needs one " +
      "for every row labeled solicitation.";
    state.open.add(missing[0].line);
    renderRows(missing[0].line);
    return;
  }
  const lines = [LABEL_COLUMNS.join(",")];
  for (const row of labeled) {
    const l = state.labels.get(row.line);
    const record = {
      id: row.id, text: row.text, label: l.label, category: l.category, language: row.language, platform: l.platform,
      sentiment_conditioned: l.label === 1 && l.sentiment ? 1 : 0, incentive_type: l.label === 1 ? l.incentive : "",
      notes: l.notes,
    };
    lines.push(LABEL_COLUMNS.map((c) => csvCell(record[c])).join(","));
  }
  const stem = (state.file ? state.file.name : "posts").split(".")[0];
  download(stem + ".labels.csv", [lines.join("\n") + "\n"], "text/csv;charset=utf-8");
}

// ------------------------------------------------------------------ tabs and start

function selectTab(tab) {
  for (const other of document.querySelectorAll("[role=tab]")) {
    const selected = other === tab;
    other.setAttribute("aria-selected", String(selected));
    other.tabIndex = selected ? 0 : -1;
    $(other.getAttribute("aria-controls")).hidden = !selected;
  }
  tab.focus();
}

function start() {
  $("max-upload").textContent = humanBytes(maxUpload());
  $("check-result").append(legend());
  const tabs = [...document.querySelectorAll("[role=tab]")];
  for (const tab of tabs) {
    tab.addEventListener("click", () => selectTab(tab));
    tab.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (!step) return;
      event.preventDefault();
      selectTab(tabs[(tabs.indexOf(tab) + step + tabs.length) % tabs.length]);
    });
  }
  wireOperatingPoint("check");
  wireOperatingPoint("file");
  $("check-form").addEventListener("submit", checkPost);
  $("check-text").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) $("check-form").requestSubmit();
  });
  $("file-input").addEventListener("change", chooseFile);
  $("file-form").addEventListener("submit", scoreFile);
  for (const id of ["filter-flag", "filter-category", "filter-language"]) {
    $(id).addEventListener("change", () => { state.shown = PAGE_ROWS; renderRows(); });
  }
  $("rows-body").addEventListener("keydown", onTableKey);
  $("rows-body").addEventListener("click", onTableClick);
  $("more-rows").addEventListener("click", () => { state.shown += PAGE_ROWS; renderRows(); });
  $("download-labels").addEventListener("click", downloadLabels);
  $("download-scored").addEventListener("click", () => download(state.scored.name, [state.scored.bytes], "application/octet-stream"));
  $("download-rejected").addEventListener("click", () => download(state.rejected.name, [state.rejected.bytes], "text/csv"));
  $("auth").addEventListener("submit", (event) => {
    event.preventDefault();
    state.apiKey = $("api-key").value.trim() || null;
    loadModel();
  });
  loadModel();
}

document.addEventListener("DOMContentLoaded", start);
