// callscale serve: the teaching page's logic. Sliders become --set overrides of the server's
// experiment (section.key=value), sent to /api/exact as they move; Chart.js draws the rows.
// The page's state is in the URL's fragment (#population.easy.weight=0.5&...), so a moved slider
// can be bookmarked, shown to a class, and loaded as it is by a headless browser. Keys without a
// dot are the page's own: x=log|linear (the budget axis), queries=N and seed=S (Monte Carlo's
// fields), run=1 (run Monte Carlo once the exact curves are in).
"use strict";

const COLORS = ["#1f5fa8", "#c0392b", "#2e8b57", "#8e44ad", "#d68910", "#6d4c41", "#17a2b8", "#7f8c8d"];
const DASHES = [[7, 4], [2, 3], [12, 3, 2, 3], [4, 4, 1, 4], [1, 2]];
const DEBOUNCE_MS = 60;
const BUSY_RETRY_MS = 250;

const state = {
  text: null,        // the experiment's text when the user applied an edited one, else null
  fileText: "",      // the server's experiment text
  sets: new Map(),   // override key -> value, in the order they were first set
  opts: new Map(),   // the page's own keys (no dot in them)
  exp: null,         // the experiment's parameters, from the last answer
  exact: null,       // the last exact answer's rows
  mc: null,          // the last Monte Carlo answer's rows (cleared when a parameter moves)
  hidden: new Set(), // strategy settings not drawn
  inFlight: false, pending: false, timer: null, built: false,
};

const $ = (id) => document.getElementById(id);

function status(msg, error) {
  const s = $("status");
  s.textContent = msg || "";
  s.className = error ? "error" : "";
}

function overrides() {
  return Array.from(state.sets, ([k, v]) => k + "=" + v);
}

function saveFragment() {
  const q = new URLSearchParams();
  for (const [k, v] of state.sets) q.append(k, v);
  if (state.opts.has("x")) q.append("x", state.opts.get("x"));
  history.replaceState(null, "", q.toString() ? "#" + q.toString() : location.pathname);
}

function readFragment() {
  state.sets.clear();
  for (const [k, v] of new URLSearchParams(location.hash.slice(1)))
    (k.includes(".") ? state.sets : state.opts).set(k, v);
}

async function post(mode, extra) {
  const body = { set: overrides().concat(extra || []) };
  if (state.text !== null) body.text = state.text;
  const r = await fetch("/api/" + mode, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  });
  let d;
  try { d = await r.json(); } catch (e) { d = { error: "callscale: the server's answer is not JSON" }; }
  return { status: r.status, data: d };
}

// One exact request at a time from this page: a slider moved meanwhile is sent when it returns.
function schedule() {
  state.mc = null;
  clearTimeout(state.timer);
  state.timer = setTimeout(runExact, DEBOUNCE_MS);
}

async function runExact() {
  if (state.inFlight) { state.pending = true; return; }
  state.inFlight = true;
  state.pending = false;
  const t0 = performance.now();
  let res;
  try { res = await post("exact"); } catch (e) { res = { status: 0, data: { error: "callscale: the server cannot be reached" } }; }
  state.inFlight = false;
  if (res.status === 503 && !state.pending) {  // busy: try again shortly
    state.timer = setTimeout(runExact, BUSY_RETRY_MS);
    return;
  }
  if (res.data.experiment) useExperiment(res.data.experiment);
  if (res.status === 200) {
    state.exact = res.data;
    status("exact curves: computed in " + Math.round(1000 * res.data.seconds) + " ms, " +
           Math.round(performance.now() - t0) + " ms round trip");
  } else {
    state.exact = null;
    status((res.data.error || "callscale: error " + res.status) +
           (res.status === 422 ? " (the Monte Carlo button still runs it)" : ""), true);
  }
  render();
  if (state.pending) runExact();
}

async function runMonteCarlo() {
  const q = $("mc-queries").value, seed = $("mc-seed").value;
  status("Monte Carlo: simulating " + q + " queries…");
  $("mc-run").disabled = true;
  let res;
  try { res = await post("run", ["experiment.queries=" + q, "experiment.seed=" + seed]); }
  catch (e) { res = { status: 0, data: { error: "callscale: the server cannot be reached" } }; }
  $("mc-run").disabled = false;
  if (res.status === 200) {
    state.mc = res.data;
    if (!state.exact) useExperiment(res.data.experiment);
    status("Monte Carlo: " + q + " queries in " + res.data.seconds.toFixed(2) +
           " s (the points; the lines are exact)");
  } else {
    status(res.data.error || "callscale: error " + res.status, true);
  }
  render();
}

// ---- controls -----------------------------------------------------------------------------

function current(key, fallback) {
  return state.sets.has(key) ? state.sets.get(key) : String(fallback);
}

function setKeys(pairs) {
  for (const [k, v] of pairs) state.sets.set(k, v);
  saveFragment();
  schedule();
}

// A slider over [lo, hi]: its value shown beside it; moving it sets the keys keysOf(value) gives.
function slider(parent, id, label, lo, hi, step, value, keysOf) {
  const row = document.createElement("div");
  row.className = "row";
  row.innerHTML = `<label for="${id}"></label><input type="range" id="${id}"><output for="${id}"></output>`;
  row.querySelector("label").textContent = label;
  const input = row.querySelector("input"), out = row.querySelector("output");
  Object.assign(input, { min: lo, max: hi, step: step, value: value });
  out.textContent = Number(value).toFixed(2);
  input.addEventListener("input", () => {
    out.textContent = Number(input.value).toFixed(2);
    setKeys(keysOf(Number(input.value)));
  });
  parent.appendChild(row);
}

// A text field; with a key, a change sets it (null: read only when a button asks).
function field(parent, id, label, value, key) {
  const row = document.createElement("div");
  row.className = "row";
  row.innerHTML = `<label for="${id}"></label><input type="text" id="${id}">`;
  row.querySelector("label").textContent = label;
  const input = row.querySelector("input");
  input.value = value;
  if (key) input.addEventListener("change", () => setKeys([[key, input.value.trim()]]));
  parent.appendChild(row);
}

function clearFieldset(id) {
  const f = $(id);
  while (f.children.length > 1) f.removeChild(f.lastChild);
  return f;
}

// Budgets as an experiment file would write them: a range when they are one.
function budgetText(b) {
  if (b.length > 2) {
    const d = b[1] - b[0];
    if (b.every((x, i) => i === 0 || x - b[i - 1] === d)) return `${b[0]}..${b[b.length - 1]} +${d}`;
    if (b[0] > 0 && b.every((x, i) => i === 0 || x === 2 * b[i - 1])) return `${b[0]}..${b[b.length - 1]} x2`;
  }
  return b.join(",");
}

function useExperiment(exp) {
  state.exp = exp;
  $("name").textContent = exp.name;
  if (state.built) return;
  state.built = true;
  const pop = clearFieldset("population"), comps = exp.components;
  if (comps.length === 2) {
    const [a, b] = comps;
    slider(pop, "alpha", `α (share ${a.name})`, 0, 1, 0.01, a.share,
           (v) => [[`population.${a.name}.weight`, v.toFixed(2)], [`population.${b.name}.weight`, (1 - v).toFixed(2)]]);
  } else {
    comps.forEach((c, i) => slider(pop, "w" + i, `weight ${c.name}`, 0, 1, 0.01,
                                   Number(current(`population.${c.name}.weight`, c.weight)),
                                   (v) => [[`population.${c.name}.weight`, v.toFixed(2)]]));
  }
  comps.forEach((c, i) => {
    const key = `population.${c.name}.p_correct`;
    if (c.p !== undefined)
      slider(pop, "p" + i, `p ${c.name}`, 0, 1, 0.01, c.p, (v) => [[key, v.toFixed(2)]]);
    else
      field(pop, "p" + i, `p ${c.name}`, current(key, `beta(${c.beta[0]},${c.beta[1]})`), key);
  });
  const judge = clearFieldset("judge");
  slider(judge, "tpr", "tpr", 0, 1, 0.01, exp.judge.tpr, (v) => [["judge.tpr", v.toFixed(2)]]);
  slider(judge, "fpr", "fpr", 0, 1, 0.01, exp.judge.fpr, (v) => [["judge.fpr", v.toFixed(2)]]);
  const budgets = clearFieldset("budgets");
  field(budgets, "budget-list", "budgets", current("experiment.budgets", budgetText(exp.budgets)), "experiment.budgets");
  field(budgets, "answers", "answers (M)", current("experiment.answers", exp.answers), "experiment.answers");
  const axis = document.createElement("label");
  axis.className = "check";
  axis.innerHTML = `<input type="checkbox" id="logx"> budget axis in log scale`;
  const b = exp.budgets;
  axis.firstChild.checked = state.opts.has("x") ? state.opts.get("x") === "log" :
    b.length > 1 && b[b.length - 1] / Math.max(b[0], 1) > 16;
  axis.firstChild.addEventListener("change", (e) => {
    state.opts.set("x", e.target.checked ? "log" : "linear");
    saveFragment();
    render();
  });
  budgets.appendChild(axis);
  const strats = clearFieldset("strategies");
  exp.strategies.forEach((s, i) => {
    const id = s.strategy + ":" + s.setting;
    const label = document.createElement("label");
    label.className = "check";
    label.innerHTML = `<input type="checkbox" checked> <span class="swatch"></span><span></span>`;
    label.querySelector(".swatch").style.background = COLORS[i % COLORS.length];
    label.lastChild.textContent = s.setting === "default" ? s.strategy : id;
    if (!s.exact) label.lastChild.textContent += " (Monte Carlo only)";
    label.querySelector("input").addEventListener("change", (e) => {
      if (e.target.checked) state.hidden.delete(id); else state.hidden.add(id);
      render();
    });
    strats.appendChild(label);
    for (const [p, v] of Object.entries(s.params))
      field(strats, `param-${i}-${p}`, "  " + p, current(`${s.section}.${p}`, v), `${s.section}.${p}`);
  });
  const mc = clearFieldset("montecarlo");
  field(mc, "mc-queries", "queries", state.opts.get("queries") || Math.min(exp.queries, 20000), null);
  field(mc, "mc-seed", "seed", state.opts.get("seed") || exp.seed, null);
  const button = document.createElement("button");
  button.id = "mc-run";
  button.type = "button";
  button.textContent = "Run Monte Carlo";
  button.addEventListener("click", runMonteCarlo);
  mc.appendChild(button);
}

// ---- the figure, the words and the numbers -------------------------------------------------

// series key -> {strategy index, bin, points [{x: budget, y: accuracy, row}]}
function series(rows, exp) {
  const out = new Map();
  for (const r of rows) {
    const key = `${r.strategy}:${r.setting}:${r.bin}`;
    if (!out.has(key)) {
      const si = exp.strategies.findIndex((s) => s.strategy === r.strategy && s.setting === r.setting);
      out.set(key, { si, id: `${r.strategy}:${r.setting}`, bin: r.bin, label: (r.setting === "default" ? r.strategy : `${r.strategy}:${r.setting}`) + " · " + r.bin, points: [] });
    }
    if (r.accuracy !== null) out.get(key).points.push({ x: r.budget, y: r.accuracy, row: r });
  }
  return out;
}

function datasets(rows, exp, mc) {
  const out = [];
  const bins = exp.bins;
  for (const s of series(rows, exp).values()) {
    if (state.hidden.has(s.id)) continue;
    const color = COLORS[s.si % COLORS.length], all = s.bin === "all";
    const dash = all ? [] : DASHES[bins.indexOf(s.bin) % DASHES.length];
    out.push(mc ? { label: s.label + " (Monte Carlo)", data: s.points, showLine: false, borderColor: color,
                    backgroundColor: color, pointRadius: all ? 3.5 : 2.5, pointStyle: all ? "circle" : "rect" }
                : { label: s.label, data: s.points, borderColor: color, backgroundColor: color, borderDash: dash,
                    borderWidth: all ? 3 : 1.5, pointRadius: 0, tension: 0 });
  }
  return out;
}

let chart = null;

function drawChart() {
  const exp = state.exp;
  const sets = [];
  if (state.exact) sets.push(...datasets(state.exact.rows, exp, false));
  if (state.mc) sets.push(...datasets(state.mc.rows, exp, true));
  const b = exp.budgets, logx = $("logx").checked;
  const options = {
    animation: false, responsive: true, maintainAspectRatio: false, parsing: false,
    scales: {
      x: { type: logx ? "logarithmic" : "linear", title: { display: true, text: "budget N (calls per question)" },
           min: b[0], max: b[b.length - 1] },
      y: { title: { display: true, text: "accuracy" }, suggestedMin: 0, suggestedMax: 1 },
    },
    plugins: { legend: { position: "bottom", labels: { boxWidth: 24, font: { size: 11 },
      filter: (item) => !item.text.endsWith("(Monte Carlo)") } } },  // points: the status line says
  };
  if (!chart) chart = new Chart($("chart"), { type: "line", data: { datasets: sets }, options });
  else { chart.data.datasets = sets; chart.options = options; chart.update(); }
}

function fmt(x) { return x === null || x === undefined ? "—" : Number(x).toFixed(4); }

// The shape and K* of explain in words, with F at the best odd K from the exact rows.
function words() {
  const d = state.exact || state.mc;
  const w = $("words");
  if (!d || !d.summary) {
    w.textContent = d ? "explain does not apply to this experiment." : "No exact curves for these settings.";
    return;
  }
  const s = d.summary, lim = fmt(s.limit);
  const vote = d.rows.find((r) => r.strategy === "vote" && r.bin === "all" && r.budget === s.best_k);
  const at = (k) => vote ? `, where F(${k}) = <b id="fbest">${fmt(vote.accuracy)}</b>` :
    ` (budget ${k} is not among the budgets)`;
  let h;
  if (s.shape === "rise-then-fall")
    h = `Majority vote <b id="shape">rises, then falls</b>: the turning point is K* = <b id="kstar">${s.kstar.toFixed(2)}</b>, ` +
        `so the best odd K is <b id="bestk">${s.best_k}</b>${at(s.best_k)}; then it falls toward ${lim}, the share of easy questions. ` +
        `Easy questions (p1 = ${s.p1}) gain with every vote, hard ones (p2 = ${s.p2}) lose: α = ${s.alpha.toFixed(2)} is above 1 − 1/t = ${s.threshold.toFixed(4)}.`;
  else if (s.shape === "fall-then-rise")
    h = `Majority vote <b id="shape">falls, then rises</b>: the turning point is K* = <b id="kstar">${s.kstar.toFixed(2)}</b>, ` +
        `so the worst odd K is <b id="bestk">${s.best_k}</b>${at(s.best_k)}; then it rises toward ${lim}.`;
  else if (s.shape === "rising")
    h = `Majority vote <b id="shape">rises</b> with K, toward ${lim}: no turning point (α = ${s.alpha.toFixed(2)}, threshold 1 − 1/t = ${s.threshold.toFixed(4)}).`;
  else if (s.shape === "falling")
    h = `Majority vote <b id="shape">falls</b> with K, toward ${lim}: the hard questions win (α = ${s.alpha.toFixed(2)} is at most 1 − 1/t = ${s.threshold.toFixed(4)}).`;
  else
    h = `Not a two-level binary population, so there is no closed-form K*; as K grows, majority vote tends to ${lim}, ` +
        `the share of questions whose correct answer is the most likely one.`;
  w.innerHTML = h;
}

function table() {
  const t = $("values");
  t.textContent = "";
  const exp = state.exp;
  const cols = [];
  for (const [d, mc] of [[state.exact, false], [state.mc, true]])
    if (d) for (const s of series(d.rows, exp).values()) if (!state.hidden.has(s.id)) cols.push({ s, mc });
  const head = t.insertRow();
  head.innerHTML = "<th>budget</th>";
  for (const c of cols) {
    const th = document.createElement("th");
    th.textContent = c.s.label + (c.mc ? " (MC ± 95%)" : "");
    head.appendChild(th);
  }
  for (const b of exp.budgets) {
    const tr = t.insertRow();
    tr.insertCell().textContent = b;
    for (const c of cols) {
      const td = tr.insertCell(), p = c.s.points.find((q) => q.x === b);
      td.id = `${c.mc ? "mc" : "v"}-${c.s.id.replace(":", "-")}-${c.s.bin}-${b}`;
      td.textContent = p ? fmt(p.y) + (c.mc ? " ± " + ((p.row.ci_high - p.row.ci_low) / 2).toFixed(4) : "") : "—";
    }
  }
}

function render() {
  if (!state.exp) return;
  drawChart();
  words();
  table();
  const d = state.exact || state.mc;
  $("explain").textContent = d && d.explain ? d.explain : "";
}

// ---- start -----------------------------------------------------------------------------------

async function start() {
  readFragment();
  try {
    const r = await fetch("/api/experiment");
    state.fileText = await r.text();
  } catch (e) { state.fileText = ""; }
  $("text").value = state.fileText;
  $("apply").addEventListener("click", () => {
    state.text = $("text").value;
    state.sets.clear();
    state.built = false;
    saveFragment();
    schedule();
  });
  $("reset").addEventListener("click", () => {
    state.text = null;
    state.sets.clear();
    state.built = false;
    $("text").value = state.fileText;
    saveFragment();
    schedule();
  });
  await runExact();
  if (state.opts.get("run") === "1") await runMonteCarlo();
}

start();
