// Precedent: chat without page reloads, citations, links and the case-notes tray.
// Everything works as plain HTML forms without this file; it only adds speed and the tray.
"use strict";
document.documentElement.classList.add("js");

const NOTES_KEY = "precedent.notes.v1";

function toast(text) {
  const box = document.getElementById("toast");
  if (!box) return;
  box.textContent = text;
  box.classList.add("show");
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => box.classList.remove("show"), 1800);
}

async function copyText(text, what) {
  try {
    await navigator.clipboard.writeText(text);
  } catch (error) {
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
  document.body.dataset.lastCopied = text;
  toast(`${what} copied`);
}

function absolute(url) {
  return new URL(url, window.location.origin).href;
}

// One citation, as plain text or Markdown: item — decision — guidelines — "excerpt" — link.
function citation(data, markdown) {
  const parts = [];
  const link = absolute(data.url);
  if (markdown) {
    parts.push(`**${data.item || data.doc}**`);
    if (data.decision) parts.push(`*${data.decision}*`);
    if (data.guidelines) parts.push(data.guidelines);
    parts.push(`[${data.doc}, ${data.section}](${link})`);
    return `${parts.join(" — ")}\n\n> ${data.text.replace(/\n+/g, " ")}\n`;
  }
  parts.push(data.item || data.doc);
  if (data.decision) parts.push(data.decision);
  if (data.guidelines) parts.push(data.guidelines);
  parts.push(`"${data.text.replace(/\s+/g, " ")}"`);
  parts.push(`${data.doc}, ${data.section}: ${link}`);
  return parts.join(" — ");
}

// ---- the notes tray ------------------------------------------------------------------
function loadNotes() {
  try {
    return JSON.parse(localStorage.getItem(NOTES_KEY)) || [];
  } catch (error) {
    return [];
  }
}

function saveNotes(notes) {
  localStorage.setItem(NOTES_KEY, JSON.stringify(notes));
  renderNotes();
}

function el(tag, attributes, text) {
  const node = document.createElement(tag);
  Object.entries(attributes || {}).forEach(([key, value]) => node.setAttribute(key, value));
  if (text !== undefined) node.textContent = text;
  return node;
}

function renderNotes() {
  const list = document.getElementById("notes-list");
  if (!list) return;
  const notes = loadNotes();
  document.getElementById("notes-count").textContent = String(notes.length);
  document.getElementById("notes-empty").hidden = notes.length > 0;
  list.replaceChildren();
  notes.forEach((note, index) => {
    const item = el("li", { "data-index": String(index), class: "note" });
    const head = el("p");
    const link = el("a", { href: note.url }, note.item || note.doc);
    head.appendChild(link);
    if (note.decision) head.appendChild(document.createTextNode(` — ${note.decision}`));
    item.appendChild(head);
    item.appendChild(el("blockquote", {}, note.text));
    const label = el("label", { for: `note-${index}`, class: "visually-hidden" }, "Your note");
    const area = el("textarea", { id: `note-${index}`, rows: "2", placeholder: "Your note…",
                                  class: "note-text" });
    area.value = note.annotation || "";
    item.append(label, area);
    const actions = el("div", { class: "note-actions" });
    actions.append(
      el("button", { type: "button", class: "note-up", "aria-label": `Move note ${index + 1} up` }, "↑ Up"),
      el("button", { type: "button", class: "note-down", "aria-label": `Move note ${index + 1} down` }, "↓ Down"),
      el("button", { type: "button", class: "note-remove", "aria-label": `Remove note ${index + 1}` }, "Remove"),
    );
    item.appendChild(actions);
    list.appendChild(item);
  });
}

function exportNotes(markdown) {
  const notes = loadNotes();
  const lines = [markdown ? "# Case note — IMR precedent" : "CASE NOTE — IMR PRECEDENT", ""];
  notes.forEach((note, index) => {
    lines.push(markdown ? `## ${index + 1}. ${citation(note, true)}` : `${index + 1}. ${citation(note, false)}`);
    if (note.annotation) lines.push(markdown ? `Note: ${note.annotation}` : `   Note: ${note.annotation}`);
    lines.push("");
  });
  const blob = new Blob([lines.join("\n")], { type: markdown ? "text/markdown" : "text/plain" });
  download(blob, markdown ? "case-note.md" : "case-note.txt");
  toast(`Exported ${notes.length} excerpt${notes.length === 1 ? "" : "s"}`);
}

// Word: the server builds the .docx (python-docx) from the tray's notes.
async function exportWord() {
  const notes = loadNotes();
  if (!notes.length) {
    toast("Pin excerpts first: there is nothing to export");
    return;
  }
  try {
    const response = await fetch("/api/notes.docx", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ notes }),
    });
    if (!response.ok) {
      const problem = await response.json().catch(() => ({}));
      toast(problem.error || "The Word document could not be made.");
      return;
    }
    download(await response.blob(), "case-note.docx");
    toast(`Exported ${notes.length} excerpt${notes.length === 1 ? "" : "s"} to Word`);
  } catch (error) {
    toast("Network error: the Word document was not made.");
  }
}

function download(blob, name) {
  const anchor = el("a", { href: URL.createObjectURL(blob), download: name });
  document.body.appendChild(anchor);
  anchor.click();
  anchor.remove();
}

function toggleNotes(open) {
  const tray = document.getElementById("notes");
  const toggle = document.getElementById("notes-toggle");
  const show = open === undefined ? tray.hidden : open;
  tray.hidden = !show;
  toggle.setAttribute("aria-expanded", String(show));
  document.querySelector(".layout").classList.toggle("with-notes", show);
  if (show) document.getElementById("notes-title").focus?.();
}

// ---- asking without a page reload ----------------------------------------------------
async function send(form, submitter) {
  const thread = document.getElementById("thread");
  const ask = document.getElementById("ask");
  const body = new FormData(form);
  if (submitter && submitter.name) body.append(submitter.name, submitter.value);
  const conversation = ask.querySelector("[name=conversation_id]").value;
  if (!body.get("conversation_id") && conversation) body.set("conversation_id", conversation);
  if (!body.get("mode")) body.set("mode", ask.querySelector("[name=mode]:checked")?.value || "hybrid");
  thread.setAttribute("aria-busy", "true");
  form.classList.add("busy");
  try {
    const response = await fetch(form.action, {
      method: "POST", body, headers: { "X-Requested-With": "fetch" },
    });
    const html = await response.text();
    if (!response.ok) {
      const page = new DOMParser().parseFromString(html, "text/html");
      const message = page.querySelector(".error-message")?.textContent || "The question could not be answered.";
      toast(message);
      return;
    }
    thread.querySelector(".welcome")?.remove();
    thread.insertAdjacentHTML("beforeend", html);
    const id = response.headers.get("X-Conversation-Id");
    if (id) {
      ask.querySelector("[name=conversation_id]").value = id;
      history.replaceState(null, "", `/c/${id}`);
    }
    if (form === ask) ask.querySelector("textarea").value = "";
    const turns = thread.querySelectorAll(".turn");
    turns[turns.length - 1].scrollIntoView({ block: "start" });
  } catch (error) {
    toast("Network error: the question was not sent.");
  } finally {
    thread.removeAttribute("aria-busy");
    form.classList.remove("busy");
  }
}

// "Show more": fetch the next ten results and append them to this answer's list.
async function showMore(link) {
  const answer = link.closest(".answer");
  link.setAttribute("aria-busy", "true");
  try {
    const response = await fetch(link.dataset.more, { headers: { "X-Requested-With": "fetch" } });
    if (!response.ok) {
      toast("More results could not be loaded.");
      return;
    }
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const list = answer.querySelector("ol.results");
    const added = [...page.querySelectorAll("ol.results > li.result")];
    added.forEach((item) => list.appendChild(document.adoptNode(item)));
    const next = page.querySelector(".show-more");
    const current = link.closest(".show-more");
    if (next) current.replaceWith(document.adoptNode(next));
    else current.remove();
    added[0]?.querySelector("a.result-title")?.focus();
  } catch (error) {
    toast("Network error: more results were not loaded.");
  } finally {
    link.removeAttribute("aria-busy");
  }
}

document.addEventListener("click", (event) => {
  const link = event.target.closest("a.more[data-more]");
  if (!link) return;
  event.preventDefault();
  showMore(link);
});

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.id === "ask" || form.classList.contains("refine")) {
    event.preventDefault();
    if (form.id === "ask" && !form.querySelector("textarea").value.trim()) return;
    send(form, event.submitter);
  }
});

document.addEventListener("keydown", (event) => {
  const target = event.target;
  const typing = target.closest("input, textarea, select, [contenteditable]");
  if (event.key === "/" && !typing) {
    const box = document.getElementById("message");
    if (box) {
      event.preventDefault();
      box.focus();
    }
  }
  if (event.key === "Enter" && !event.shiftKey && target.id === "message") {
    event.preventDefault();
    target.form.requestSubmit();
  }
  if (event.key === "Escape" && !document.getElementById("notes").hidden) toggleNotes(false);
});

document.addEventListener("click", (event) => {
  const button = event.target.closest("button");
  if (!button) return;
  const actions = button.closest(".actions");
  if (actions) {
    const data = { ...actions.dataset };
    if (button.classList.contains("copy-citation")) copyText(citation(data, false), "Citation");
    if (button.classList.contains("copy-markdown")) copyText(citation(data, true), "Markdown citation");
    if (button.classList.contains("copy-link")) copyText(absolute(data.url), "Link");
    if (button.classList.contains("pin")) {
      const notes = loadNotes();
      if (notes.some((n) => n.url === data.url && n.text === data.text)) {
        toast("Already in your notes");
      } else {
        notes.push({ ...data, annotation: "" });
        saveNotes(notes);
        toast("Pinned to case notes");
      }
    }
    return;
  }
  const note = button.closest("li.note");
  if (note) {
    const notes = loadNotes();
    const index = Number(note.dataset.index);
    if (button.classList.contains("note-remove")) notes.splice(index, 1);
    if (button.classList.contains("note-up") && index > 0) [notes[index - 1], notes[index]] = [notes[index], notes[index - 1]];
    if (button.classList.contains("note-down") && index < notes.length - 1) [notes[index + 1], notes[index]] = [notes[index], notes[index + 1]];
    saveNotes(notes);
    return;
  }
  if (button.id === "notes-toggle") toggleNotes();
  if (button.id === "notes-close") toggleNotes(false);
  if (button.id === "export-md") exportNotes(true);
  if (button.id === "export-txt") exportNotes(false);
  if (button.id === "export-docx") exportWord();
  if (button.id === "notes-clear" && confirm("Remove every pinned excerpt?")) saveNotes([]);
});

document.addEventListener("input", (event) => {
  if (!event.target.classList.contains("note-text")) return;
  const notes = loadNotes();
  const index = Number(event.target.closest("li.note").dataset.index);
  if (notes[index]) {
    notes[index].annotation = event.target.value;
    localStorage.setItem(NOTES_KEY, JSON.stringify(notes));
  }
});

// Arriving at a passage: scroll to the section and to its first highlighted word.
function showTarget() {
  if (!location.hash) return;
  const section = document.getElementById(decodeURIComponent(location.hash.slice(1)));
  if (!section) return;
  document.querySelectorAll(".doc-section.target").forEach((s) => s.classList.remove("target"));
  section.classList.add("target");
  const mark = section.querySelector("mark");
  (mark || section).scrollIntoView({ block: "center" });
  section.focus({ preventScroll: true });
}

document.addEventListener("DOMContentLoaded", () => {
  renderNotes();
  showTarget();
});
window.addEventListener("hashchange", showTarget);

// ---- saved searches: same-origin JSON calls (a cross-site page cannot send these) ----------
async function savedCall(method, url, body) {
  const response = await fetch(url, {
    method, credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error || "The saved searches could not be changed.");
  return data;
}

document.addEventListener("click", async (event) => {
  const save = event.target.closest("button.save-search");
  const remove = event.target.closest("button.remove-saved");
  try {
    if (save) {
      const filters = {};
      JSON.parse(save.dataset.chips || "[]").filter((c) => c.explicit).forEach((c) => { filters[c.key] = c.value; });
      await savedCall("POST", "/api/saved", { query: save.dataset.query, filters, mode: save.dataset.mode });
      save.disabled = true;
      save.textContent = "Saved";
      toast("Saved: see Saved searches");
    }
    if (remove) {
      await savedCall("DELETE", `/api/saved/${encodeURIComponent(remove.dataset.id)}`);
      remove.closest("li").remove();
      toast("Saved search removed");
    }
  } catch (error) {
    toast(error.message);
  }
});
