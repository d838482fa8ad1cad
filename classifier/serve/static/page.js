// The page's behaviour: send a posting or a table to this server's own API, show what comes back.
// The highlighted view is rendered by the server (the same HTML a notebook shows); this script
// only places it, and draws the batch summary from the scored file itself.
"use strict";

const $ = (id) => document.getElementById(id);

function showError(box, problem) {
  box.textContent = problem;
  box.hidden = false;
}

async function errorText(response) {
  try {
    const body = await response.json();
    return `${body.error}: ${body.detail}`;
  } catch (e) {
    return `the server answered ${response.status}`;
  }
}

// --- one posting ----------------------------------------------------------------------------

async function classify(body, headers) {
  const button = $("classify"), result = $("result"), error = $("error");
  const started = performance.now();
  button.disabled = true;
  result.setAttribute("aria-busy", "true");
  error.hidden = true;
  try {
    const response = await fetch("/v1/classify", {method: "POST", headers: {Accept: "text/html", ...headers}, body});
    if (!response.ok) {
      showError(error, await errorText(response));
      return;
    }
    result.innerHTML = await response.text();
    result.dataset.renderMs = (performance.now() - started).toFixed(1);
    result.focus();
  } catch (e) {
    showError(error, "the server cannot be reached; is `pmrole serve` still running?");
  } finally {
    button.disabled = false;
    result.removeAttribute("aria-busy");
  }
}

function keywordCount() {
  const value = $("top").value.trim();
  return value === "" ? undefined : Number(value);
}

function classifyText() {
  const text = $("text").value, title = $("title").value.trim();
  const body = {text, top: keywordCount()};
  if (title) body.title = title;
  return classify(JSON.stringify(body), {"Content-Type": "application/json"});
}

function classifyFile(file) {
  const form = new FormData();
  form.append("file", file, file.name);
  const title = $("title").value.trim();
  if (title) form.append("title", title);
  if (keywordCount() !== undefined) form.append("top", String(keywordCount()));
  return classify(form, {});
}

$("classify-form").addEventListener("submit", (event) => {
  event.preventDefault();
  classifyText();
});
for (const field of [$("text"), $("title")]) {
  field.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      classifyText();
    }
  });
}
$("posting-file").addEventListener("change", (event) => {
  const file = event.target.files[0];
  if (file) classifyFile(file);
});

function dropTarget(element, onFile) {
  element.addEventListener("dragover", (event) => {
    event.preventDefault();
    element.classList.add("dragging");
  });
  element.addEventListener("dragleave", () => element.classList.remove("dragging"));
  element.addEventListener("drop", (event) => {
    element.classList.remove("dragging");
    const file = event.dataTransfer.files[0];
    if (file) {
      event.preventDefault();
      onFile(file);
    }
  });
}
dropTarget($("text"), classifyFile);

// --- many postings --------------------------------------------------------------------------

const TABLE_TYPES = {csv: "text/csv", tsv: "text/tab-separated-values", tab: "text/tab-separated-values",
  jsonl: "application/x-ndjson", ndjson: "application/x-ndjson", gz: "application/gzip"};

// Rows of a CSV/TSV text as Python's csv module writes it (quotes doubled inside quoted fields).
function parseDelimited(text, delimiter) {
  const rows = [];
  let row = [], field = "", quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) { row.push(field); field = ""; }
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field); rows.push(row); row = []; field = "";
    } else field += c;
  }
  if (field !== "" || row.length) { row.push(field); rows.push(row); }
  return rows;
}

function records(text, format) {
  if (format === "jsonl") {
    return text.split("\n").filter((line) => line.trim()).map((line) => JSON.parse(line));
  }
  const [header, ...rows] = parseDelimited(text, format === "tsv" ? "\t" : ",");
  return rows.map((values) => Object.fromEntries(header.map((name, i) => [name, values[i] ?? ""])));
}

// Rows received so far, counted as they stream in (newlines outside quotes).
function rowCounter() {
  let quoted = false, lines = 0, seen = 0;
  return (text) => {
    for (; seen < text.length; seen++) {
      const c = text[seen];
      if (c === '"') quoted = !quoted;
      else if (c === "\n" && !quoted) lines++;
    }
    return Math.max(0, lines - 1);
  };
}

function svg(tag, attributes, text) {
  const element = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attributes)) element.setAttribute(k, v);
  if (text !== undefined) element.textContent = text;
  return element;
}

function drawChart(counts) {
  const entries = Object.entries(counts), most = Math.max(1, ...entries.map(([, n]) => n));
  const rowHeight = 26, width = 520, labelWidth = 150;
  const chart = svg("svg", {width, height: entries.length * rowHeight + 4, role: "img",
    "aria-labelledby": "chart-h chart-desc"});
  chart.appendChild(svg("desc", {id: "chart-desc"}, entries.map(([k, n]) => `${k} ${n}`).join(", ")));
  entries.forEach(([label, n], i) => {
    const y = i * rowHeight;
    chart.appendChild(svg("text", {x: 0, y: y + 17}, label));
    chart.appendChild(svg("rect", {x: labelWidth, y: y + 4, height: 18, class: label === "errors" ? "bar err" : "bar",
      width: Math.max(1, (width - labelWidth - 60) * n / most)}));
    chart.appendChild(svg("text", {x: labelWidth + (width - labelWidth - 60) * n / most + 6, y: y + 17}, String(n)));
  });
  $("chart").replaceChildren(chart);
}

function fillReview(rows, textColumn, titleColumn) {
  const table = $("review"), limit = 500;
  const columns = ["row", ...(titleColumn ? [titleColumn] : []), "pmrole_label", "pmrole_confidence",
    "pmrole_runner_up", textColumn];
  const head = document.createElement("tr");
  for (const c of columns) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = c;
    head.appendChild(th);
  }
  table.tHead.replaceChildren(head);
  const body = document.createDocumentFragment();
  for (const {number, row} of rows.slice(0, limit)) {
    const tr = document.createElement("tr");
    for (const c of columns) {
      const td = document.createElement("td");
      // JSONL results are typed (a number, true/false, null); CSV and TSV cells are text
      const cell = row[c];
      let value = c === "row" ? String(number) : typeof cell === "number" ? cell.toFixed(4) : String(cell ?? "");
      if (c === textColumn && value.length > 160) value = value.slice(0, 160) + "…";
      if (c === "row" || c === "pmrole_confidence") td.className = "num";
      td.textContent = value;
      tr.appendChild(td);
    }
    body.appendChild(tr);
  }
  table.tBodies[0].replaceChildren(body);
  $("review-none").hidden = rows.length > 0;
  table.hidden = rows.length === 0;
}

function score(file) {
  const progress = $("batch-progress"), status = $("batch-text"), error = $("batch-error");
  const extension = file.name.split(".").pop().toLowerCase();
  const button = $("score");
  error.hidden = true;
  $("batch-result").hidden = true;
  progress.hidden = false;
  progress.value = 0;
  button.disabled = true;
  status.textContent = `sending ${file.name}…`;
  const xhr = new XMLHttpRequest(), count = rowCounter();
  xhr.open("POST", "/v1/score");
  xhr.setRequestHeader("Content-Type", TABLE_TYPES[extension] || "text/plain");
  xhr.upload.onprogress = (event) => {
    if (event.lengthComputable) progress.value = event.loaded / event.total;
  };
  xhr.onprogress = () => {
    if (xhr.status === 200) status.textContent = `${count(xhr.responseText).toLocaleString()} rows scored…`;
  };
  xhr.onerror = () => {
    button.disabled = false;
    progress.hidden = true;
    showError(error, "the server cannot be reached; is `pmrole serve` still running?");
  };
  xhr.onload = () => {
    button.disabled = false;
    progress.hidden = true;
    if (xhr.status !== 200) {
      let problem = `the server answered ${xhr.status}`;
      try { const body = JSON.parse(xhr.responseText); problem = `${body.error}: ${body.detail}`; } catch (e) { /* not JSON */ }
      status.textContent = "";
      showError(error, problem);
      return;
    }
    const type = xhr.getResponseHeader("Content-Type") || "text/csv";
    const format = type.includes("ndjson") ? "jsonl" : type.includes("tab-separated") ? "tsv" : "csv";
    const rows = records(xhr.responseText, format);
    const counts = {}, review = [];
    let errors = 0;
    rows.forEach((row, i) => {
      if (row.pmrole_label) counts[row.pmrole_label] = (counts[row.pmrole_label] || 0) + 1;
      if (row.pmrole_error) errors++;
      if (row.pmrole_needs_review === true || row.pmrole_needs_review === "true") review.push({number: i + 1, row});
    });
    if (errors) counts.errors = errors;
    const stem = file.name.replace(/(\.gz)?$/i, "").replace(/\.[^.]*$/, "");
    const link = $("download");
    if (link.href.startsWith("blob:")) URL.revokeObjectURL(link.href);
    link.href = URL.createObjectURL(new Blob([xhr.responseText], {type}));
    link.download = `${stem}.scored.${format}`;
    status.textContent = `${rows.length.toLocaleString()} rows scored.`;
    $("batch-summary").textContent = `${rows.length.toLocaleString()} rows · ${review.length.toLocaleString()} need review · ${errors.toLocaleString()} with errors`;
    drawChart(counts);
    fillReview(review, xhr.getResponseHeader("X-Pmrole-Text-Column") || "", xhr.getResponseHeader("X-Pmrole-Title-Column") || "");
    $("batch-result").hidden = false;
  };
  xhr.send(file);
}

$("batch-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const file = $("table-file").files[0];
  if (file) score(file);
  else showError($("batch-error"), "choose a CSV, TSV or JSON Lines file first");
});
dropTarget($("table-drop"), score);
