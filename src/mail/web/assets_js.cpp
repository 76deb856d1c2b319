#include "mail/web/assets.hpp"

namespace l7::mail::web::detail {

const std::string_view inbox_js = R"l7("use strict";
// The l7 mail inbox. Everything from a message is put into the page as text (textContent),
// never as markup; the HTML body goes into an iframe with sandbox="" only.
const $ = (selector) => document.querySelector(selector);
const state = {selected: null, message: null, tab: null, seen: new Set(), first: true};

function el(tag, text, attrs) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  return e;
}
function addr(m) { return !m || !m.address ? "" : (m.name ? m.name + " <" + m.address + ">" : m.address); }
function addrs(list) { return (list || []).map(addr).join(", "); }
function when(iso) { return iso ? new Date(iso).toLocaleString() : ""; }
function showError(text) { const e = $("#error"); e.textContent = text || ""; e.hidden = !text; }

async function api(path, options) {
  const r = await fetch(path, options);
  if (!r.ok) {
    let why = r.status + " " + r.statusText;
    try { why = (await r.json()).error || why; } catch (e) { /* not JSON */ }
    throw new Error(why);
  }
  return r;
}

async function loadList() {
  const q = $("#search").value.trim();
  try {
    const r = await api("/api/mail/messages?limit=1000" + (q ? "&q=" + encodeURIComponent(q) : ""));
    renderList(await r.json());
    showError("");
  } catch (e) {
    showError("Cannot load the list: " + e.message);
  }
}

function renderList(data) {
  const body = $("#list tbody");
  body.replaceChildren();
  for (const m of data.messages) {
    const row = el("tr", null, {"data-id": m.id});
    row.append(el("td", m.from.name || m.from.address), el("td", m.subject || "(no subject)"),
               el("td", (m.to || []).map((t) => t.address).join(", ")), el("td", when(m.created)));
    row.title = addr(m.from) + "\n" + (m.subject || "");
    if (m.id === state.selected) row.classList.add("selected");
    if (!state.first && !state.seen.has(m.id)) row.classList.add("fresh");
    state.seen.add(m.id);
    row.addEventListener("click", () => openMessage(m.id));
    body.append(row);
  }
  state.first = false;
  $("#empty").hidden = data.messages.length > 0;
  $("#count").textContent = data.matched === data.total ? data.total + " messages"
                                                         : data.matched + " of " + data.total;
}

async function openMessage(id) {
  state.selected = id;
  for (const row of document.querySelectorAll("#list tbody tr"))
    row.classList.toggle("selected", Number(row.dataset.id) === id);
  let m;
  try {
    m = await (await api("/api/mail/messages/" + id)).json();
  } catch (e) {
    showError("Cannot open message " + id + ": " + e.message);
    return;
  }
  state.message = m;
  $("#view").hidden = false;
  $("#v-subject").textContent = m.subject || "(no subject)";
  const meta = $("#v-meta tbody");
  meta.replaceChildren();
  const rows = [["From", addr(m.from)], ["To", addrs(m.to)], ["Cc", addrs(m.cc)], ["Date", m.date ? when(m.date) : ""],
                ["Received", when(m.created)], ["Envelope from", m.envelope.mail_from],
                ["Envelope to", (m.envelope.rcpt_to || []).join(", ")], ["Size", m.size + " bytes"], ["Id", m.id]];
  for (const [k, v] of rows)
    if (v !== "" && v !== undefined) { const tr = el("tr"); tr.append(el("td", k), el("td", v)); meta.append(tr); }
  const box = $("#v-attachments");
  box.replaceChildren();
  for (const a of m.attachments) {
    const href = "/api/mail/messages/" + m.id + "/parts/" + encodeURIComponent(a.part);
    box.append(el("a", (a.name || "part " + a.part) + " (" + a.type + ", " + a.size + " bytes)", {href: href}));
  }
  showTab(m.html ? "html" : "text");
}

async function showTab(tab) {
  const m = state.message;
  state.tab = tab;
  for (const b of document.querySelectorAll("#tabs button")) b.classList.toggle("active", b.dataset.tab === tab);
  const body = $("#v-body");
  body.replaceChildren();
  if (tab === "html") {
    if (!m.html) { body.append(el("pre", "(no HTML part)")); return; }
    // No scripts, no forms, no same-origin: the body is served with a CSP sandbox as well.
    body.append(el("iframe", null, {sandbox: "", referrerpolicy: "no-referrer",
                                    src: "/api/mail/messages/" + m.id + "/html", title: "HTML body"}));
  } else if (tab === "text") {
    body.append(el("pre", m.text || "(no text part)"));
  } else if (tab === "headers") {
    const t = el("table");
    for (const h of m.headers) { const tr = el("tr"); tr.append(el("td", h.name), el("td", h.value)); t.append(tr); }
    body.append(t);
  } else if (tab === "raw") {
    const pre = el("pre", "loading...");
    body.append(pre);
    try { pre.textContent = await (await api("/api/mail/messages/" + m.id + "/raw")).text(); }
    catch (e) { pre.textContent = "Cannot load: " + e.message; }
  } else {
    body.append(el("pre", m.transcript || "(no transcript)"));
  }
}

async function deleteSelected() {
  if (!state.selected) return;
  try { await api("/api/mail/messages/" + state.selected, {method: "DELETE"}); }
  catch (e) { showError("Cannot delete: " + e.message); }
  state.selected = null;
  $("#view").hidden = true;
  loadList();
}

async function purge() {
  if (!confirm("Delete every message?")) return;
  try { await api("/api/mail/messages", {method: "DELETE"}); }
  catch (e) { showError("Cannot delete: " + e.message); }
  state.selected = null;
  $("#view").hidden = true;
  loadList();
}

function debounce(fn, ms) {
  let t = null;
  return () => { clearTimeout(t); t = setTimeout(fn, ms); };
}

function live() {
  const status = $("#live");
  const reload = debounce(loadList, 100);
  const events = new EventSource("/api/mail/events");
  events.onopen = () => { status.textContent = "live"; status.className = "on"; reload(); };
  events.onerror = () => { status.textContent = "reconnecting"; status.className = "off"; };
  events.addEventListener("change", reload);
}

document.addEventListener("DOMContentLoaded", () => {
  $("#search").addEventListener("input", debounce(loadList, 200));
  $("#delete").addEventListener("click", deleteSelected);
  $("#purge").addEventListener("click", purge);
  for (const b of document.querySelectorAll("#tabs button")) b.addEventListener("click", () => showTab(b.dataset.tab));
  loadList();
  live();
});
)l7";

}  // namespace l7::mail::web::detail
