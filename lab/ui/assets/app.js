// The dashboard's page: one snapshot from /api/state, then live updates from /events (SSE).
// Every control posts JSON to the server, which goes through LabControl; nothing polls.

const $ = (sel, el = document) => el.querySelector(sel);
const state = { lab: null, exercises: [], grading: {}, strings: {}, toxics: {}, lang: "en", max: 60000 };

function t(key, fmt = {}) {
  const entry = state.strings[key];
  let s = entry ? (entry[state.lang] || entry.en) : key;
  for (const [k, v] of Object.entries(fmt)) s = s.replace(`{${k}}`, v);
  return s;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

function showMessage(text) {
  const box = $("#message");
  if (!text) { box.hidden = true; return; }
  box.textContent = text;
  box.hidden = false;
  clearTimeout(showMessage.timer);
  showMessage.timer = setTimeout(() => { box.hidden = true; }, 8000);
}

async function send(method, path, body = {}) {
  const r = await fetch(path, {
    method, headers: { "Content-Type": "application/json" },
    body: method === "DELETE" ? undefined : JSON.stringify(body),
  });
  let data = {};
  try { data = await r.json(); } catch (e) { data = { error: `${r.status}` }; }
  if (!r.ok) {
    showMessage(`${t("error")}: ${data.error || r.status}${data.hint ? " " + data.hint : ""}`);
    return null;
  }
  showMessage("");
  if (data.lab) { state.lab = data.lab; renderLab(); }
  return data;
}

// -- services ---------------------------------------------------------------------------------
function renderServices() {
  const lab = state.lab;
  const body = $("#services tbody");
  body.replaceChildren();
  const banner = $("#lab-banner");
  if (!lab || !lab.checked) { banner.className = "banner"; banner.textContent = "…"; return; }
  for (const [name, s] of Object.entries(lab.services || {})) {
    body.append(el("tr", { class: `svc ${s.answers ? "up" : "down"}`, "data-service": name },
      el("td", {}, el("span", { class: "dot" })),
      el("td", {}, el("b", {}, name)),
      el("td", { class: "detail" }, s.answers ? s.detail : `${t("down")}: ${s.detail}`),
      el("td", { class: "addr" }, s.address)));
  }
  if (lab.ok) { banner.className = "banner ok"; banner.textContent = `${t("lab_ok")} (${t("backend")}: ${lab.backend})`; }
  else { banner.className = "banner bad"; banner.textContent = t("lab_down", { names: lab.down.join(", ") }); }
  const dns = $("#dns-current");
  dns.textContent = lab.dns_delay === null || lab.dns_delay === undefined ? "?" : `= ${lab.dns_delay} ms`;
  const input = $("#dns-delay");
  if (document.activeElement !== input && lab.dns_delay !== null && lab.dns_delay !== undefined) input.value = lab.dns_delay;
}

// -- proxies ----------------------------------------------------------------------------------
function latencyOf(proxy) {
  const toxic = (proxy.toxics || []).find((x) => x.type === "latency");
  return toxic ? { latency: toxic.attributes.latency || 0, jitter: toxic.attributes.jitter || 0 } : { latency: 0, jitter: 0 };
}

function describe(toxic) {
  const attrs = Object.entries(toxic.attributes || {}).map(([k, v]) => `${k}=${v}`).join(" ");
  const tox = toxic.toxicity !== 1 ? ` ${t("toxicity")}=${toxic.toxicity}` : "";
  return `${toxic.name}: ${toxic.type} ${toxic.stream} ${attrs}${tox}`;
}

function attrInputs(type) {
  return Object.keys(state.toxics[type] || {}).map((a) =>
    el("label", {}, `${a} `, el("input", { type: "number", min: "0", name: a, "data-attr": a, value: "0" })));
}

function proxyCard(name) {
  const slider = el("input", { type: "range", min: "0", max: "2000", step: "10", class: "latency", "aria-label": "latency" });
  const value = el("input", { type: "number", min: "0", max: String(state.max), class: "latency-value" });
  const jitter = el("input", { type: "number", min: "0", max: String(state.max), class: "jitter", value: "0" });
  const sendLatency = () => send("POST", `/api/proxies/${name}/latency`, {
    latency: Number.isInteger(Number(value.value)) && value.value !== "" ? Number(value.value) : value.value,
    jitter: Number.isInteger(Number(jitter.value)) && jitter.value !== "" ? Number(jitter.value) : jitter.value,
  });
  slider.addEventListener("input", () => { value.value = slider.value; });
  slider.addEventListener("change", () => { value.value = slider.value; sendLatency(); });
  value.addEventListener("change", sendLatency);
  jitter.addEventListener("change", sendLatency);

  const type = el("select", { class: "toxic-type" }, ...Object.keys(state.toxics).map((k) => el("option", { value: k }, k)));
  const attrs = el("span", { class: "attrs" }, ...attrInputs(type.value));
  type.addEventListener("change", () => attrs.replaceChildren(...attrInputs(type.value)));
  const stream = el("select", { class: "toxic-stream" }, el("option", { value: "downstream" }, "downstream"), el("option", { value: "upstream" }, "upstream"));
  const toxicity = el("input", { type: "number", min: "0", max: "1", step: "0.1", value: "1", class: "toxic-toxicity" });
  const tname = el("input", { type: "text", class: "toxic-name", placeholder: "type_stream", size: "14" });
  const add = el("button", { type: "button", class: "add", "data-i18n": "add_toxic" }, t("add_toxic"));
  add.addEventListener("click", () => {
    const attributes = {};
    for (const input of attrs.querySelectorAll("input")) {
      const n = Number(input.value);
      attributes[input.dataset.attr] = input.value !== "" && Number.isInteger(n) ? n : input.value;
    }
    const body = { type: type.value, stream: stream.value, toxicity: Number(toxicity.value), attributes };
    if (tname.value.trim()) body.name = tname.value.trim();
    send("POST", `/api/proxies/${name}/toxics`, body);
  });
  const toggle = el("button", { type: "button", class: "toggle" });
  toggle.addEventListener("click", () => {
    const p = (state.lab.proxies || {})[name];
    send("POST", `/api/proxies/${name}/enabled`, { enabled: !(p && p.enabled !== false) });
  });
  return el("div", { class: "proxy", "data-proxy": name },
    el("h3", {}, el("span", { class: "pname" }, name), " ", el("span", { class: "route muted" }), " ", el("span", { class: "pstate badge" }), " ", toggle),
    el("ul", { class: "toxics" }),
    el("div", { class: "row" }, el("span", { "data-i18n": "latency" }, t("latency")), slider, value, "ms ±", jitter,
      el("span", { "data-i18n": "jitter", class: "muted" }, t("jitter")), " ms"),
    el("div", { class: "row add-toxic" }, type, stream, attrs, el("label", {}, `${t("toxicity")} `, toxicity), tname, add));
}

function renderProxies() {
  const box = $("#proxies");
  const proxies = state.lab && state.lab.proxies;
  if (!proxies) {
    box.replaceChildren(el("p", { class: "muted" }, t("lab_down", { names: "toxiproxy" })));
    return;
  }
  for (const card of [...box.children]) if (!card.dataset.proxy || !(card.dataset.proxy in proxies)) card.remove();
  for (const name of Object.keys(proxies).sort()) {
    const p = proxies[name];
    let card = box.querySelector(`.proxy[data-proxy="${CSS.escape(name)}"]`);
    if (!card) { card = proxyCard(name); box.append(card); }
    const enabled = p.enabled !== false;
    card.classList.toggle("disabled", !enabled);
    $(".route", card).textContent = `${p.listen} → ${p.upstream}`;
    $(".pstate", card).textContent = t(enabled ? "enabled" : "disabled");
    $(".pstate", card).className = `pstate badge ${enabled ? "passed" : "failed"}`;
    $(".toggle", card).textContent = t(enabled ? "disable" : "enable");
    const list = $(".toxics", card);
    list.replaceChildren(...(p.toxics || []).map((toxic) => el("li", { "data-toxic": toxic.name, "data-type": toxic.type },
      describe(toxic), " ",
      el("button", { type: "button", class: "remove", onclick: () => send("DELETE", `/api/proxies/${name}/toxics/${encodeURIComponent(toxic.name)}`) }, t("remove")))));
    if (!(p.toxics || []).length) list.append(el("li", { class: "muted" }, t("no_toxics")));
    const { latency, jitter } = latencyOf(p);
    const slider = $(".latency", card), value = $(".latency-value", card), jit = $(".jitter", card);
    const editing = [slider, value, jit].includes(document.activeElement) && card.dataset.touched;
    if (!editing) {
      slider.max = String(Math.max(2000, latency));
      slider.value = latency; value.value = latency; jit.value = jitter;
    }
    card.dataset.latency = latency;
  }
}

// -- exercises --------------------------------------------------------------------------------
function renderExercises() {
  const box = $("#exercises");
  box.replaceChildren();
  const running = state.grading && state.grading.running;
  for (const ex of state.exercises) {
    const r = ex.result;
    const status = r ? r.status : null;
    const button = el("button", { type: "button", class: "grade", disabled: Boolean(running) }, running === ex.number ? t("grading") : t("grade"));
    button.addEventListener("click", () => send("POST", "/api/grade", { exercise: ex.number }));
    const card = el("div", { class: "exercise", "data-number": ex.number, "data-status": status || "none" },
      el("h3", {}, `${ex.number} ${ex.title[state.lang] || ex.title.en}`,
        el("span", { class: `badge ${status || ""}` }, status ? t(status) : t("not_graded")),
        ex.needs_lab ? el("span", { class: "muted" }, t("needs_lab")) : null, button));
    if (r) {
      if (r.evidence) card.append(el("div", { class: "evidence" }, r.evidence));
      if (r.reason && status !== "passed") card.append(el("div", { class: "reason" }, r.reason));
      if (r.svg) {
        const holder = el("div", { class: "svg-holder" });
        holder.innerHTML = r.svg; // made by the server from numbers and escaped labels
        card.append(holder);
      } else card.append(el("div", { class: "muted" }, t("no_timeline")));
    }
    box.append(card);
  }
  translate(box);
}

function renderGrading() {
  const g = state.grading || {};
  const out = $("#grade-output");
  const lines = g.output || [];
  out.hidden = !lines.length;
  out.textContent = lines.join("\n");
  renderExercises();
}

// -- language, wiring -------------------------------------------------------------------------
function translate(root = document) {
  for (const node of root.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  // numbers drawn by the server (timeline ticks, the floor): "0,25" in Vietnamese, "0.25" in English
  for (const node of root.querySelectorAll("[data-num]")) {
    const [least, most] = node.dataset.digits.split("-").map(Number);
    const format = new Intl.NumberFormat(state.lang, { minimumFractionDigits: least, maximumFractionDigits: most, useGrouping: false });
    node.textContent = format.format(Number(node.dataset.num));
  }
}

function renderLab() { renderServices(); renderProxies(); }

function renderAll() {
  document.documentElement.lang = state.lang;
  document.title = t("title");
  $("#lang").textContent = t("language");
  translate();
  renderLab();
  renderGrading();
}

function connect() {
  const es = new EventSource("/events");
  const live = $("#live");
  es.onopen = () => { live.className = "live"; live.textContent = t("connected"); };
  es.onerror = () => { live.className = "live off"; live.textContent = t("disconnected"); };
  es.addEventListener("lab", (e) => { state.lab = JSON.parse(e.data); renderLab(); });
  es.addEventListener("exercises", (e) => { state.exercises = JSON.parse(e.data); renderExercises(); });
  es.addEventListener("grading", (e) => { state.grading = JSON.parse(e.data); renderGrading(); });
}

async function main() {
  const r = await fetch("/api/state");
  const snap = await r.json();
  Object.assign(state, { lab: snap.lab, exercises: snap.exercises, grading: snap.grading, strings: snap.strings, toxics: snap.toxics, max: snap.max_latency });
  const saved = localStorage.getItem("gevent-lab-lang");
  state.lang = ["en", "vi"].includes(saved) ? saved : snap.lang;
  $("#lang").addEventListener("click", () => {
    state.lang = state.lang === "en" ? "vi" : "en";
    localStorage.setItem("gevent-lab-lang", state.lang);
    renderAll();
  });
  $("#dns-apply").addEventListener("click", () => {
    const v = $("#dns-delay").value;
    const n = Number(v);
    send("POST", "/api/dns/delay", { delay: v !== "" && Number.isInteger(n) ? n : v });
  });
  for (const ev of ["pointerdown", "keydown", "focusin"]) {
    document.addEventListener(ev, (e) => { const c = e.target.closest && e.target.closest(".proxy"); if (c) c.dataset.touched = "1"; });
  }
  renderAll();
  document.body.dataset.ready = "1";
  connect();
}

main();
