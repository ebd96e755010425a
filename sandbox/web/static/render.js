// Drawing one message as Telegram would: formatted text, media, buttons, edits.

import { tr } from "./l10n.js";

const ALLOWED = new Set([
  "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "blockquote",
  "tg-spoiler", "tg-emoji", "br",
]);
const URL_PATTERN = /\b(?:https?:\/\/|t\.me\/)[^\s<>"']+[^\s<>"'.,;:!?)\]]/g;

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

// Telegram HTML from the sandbox, kept to the tags Telegram has; links only to http(s) and tg:.
export function formatted(html, text) {
  const box = el("div", "text");
  if (!html) {
    box.textContent = text || "";
    linkify(box);
    return box;
  }
  const template = document.createElement("template");
  template.innerHTML = html;
  clean(template.content);
  box.append(template.content);
  linkify(box);
  return box;
}

function clean(root) {
  for (const node of [...root.childNodes]) {
    if (node.nodeType === Node.TEXT_NODE) continue;
    if (node.nodeType !== Node.ELEMENT_NODE) {
      node.remove();
      continue;
    }
    clean(node);
    const tag = node.tagName.toLowerCase();
    if (!ALLOWED.has(tag)) {
      node.replaceWith(...node.childNodes);
      continue;
    }
    const href = node.getAttribute("href");
    const language = node.getAttribute("class");
    for (const attribute of [...node.attributes]) node.removeAttribute(attribute.name);
    if (tag === "a" && href && /^(https?:|tg:)/i.test(href)) {
      node.setAttribute("href", href);
      node.setAttribute("target", "_blank");
      node.setAttribute("rel", "noopener");
    }
    if (tag === "code" && language && /^language-[\w-]+$/.test(language)) node.className = language;
    if (tag === "tg-spoiler") {
      const spoiler = el("span", "spoiler");
      spoiler.append(...node.childNodes);
      spoiler.addEventListener("click", () => spoiler.classList.add("shown"));
      node.replaceWith(spoiler);
    }
  }
}

// Plain URLs become links, as Telegram detects them.
function linkify(root) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes = [];
  while (walker.nextNode()) {
    if (!walker.currentNode.parentElement.closest("a, code, pre")) nodes.push(walker.currentNode);
  }
  for (const node of nodes) {
    const text = node.textContent;
    const parts = [];
    let last = 0;
    for (const match of text.matchAll(URL_PATTERN)) {
      parts.push(text.slice(last, match.index));
      const link = el("a", null, match[0]);
      link.href = match[0].startsWith("t.me/") ? `https://${match[0]}` : match[0];
      link.target = "_blank";
      link.rel = "noopener";
      parts.push(link);
      last = match.index + match[0].length;
    }
    if (parts.length) {
      parts.push(text.slice(last));
      node.replaceWith(...parts);
    }
  }
}

export function initials(first, last) {
  const text = `${first || ""}${last ? ` ${last}` : ""}`.trim();
  const words = text.split(/\s+/).filter(Boolean);
  if (/[\u3400-\u9fff]/.test(text)) return (last || first || "?").slice(0, 1);
  return words.slice(0, 2).map((word) => word[0].toUpperCase()).join("") || "?";
}

function size(bytes) {
  if (bytes >= 1048576) return `${(bytes / 1048576).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}

export function clock(seconds) {
  return new Date(seconds * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

function media(message, api) {
  const parts = [];
  if (message.photo && message.photo.length) {
    const photo = message.photo[message.photo.length - 1];
    const image = el("img", "photo");
    image.src = api.fileUrl(photo.file_id);
    image.alt = message.caption || "photo";
    image.loading = "lazy";
    image.addEventListener("click", () => window.open(image.src, "_blank"));
    parts.push(image);
  }
  if (message.document) {
    const file = message.document;
    const link = el("a", "file");
    link.href = api.fileUrl(file.file_id);
    link.download = file.file_name || "file";
    link.append(el("span", "file-icon", "⬇"));
    const about = el("span");
    about.append(el("div", "file-name", file.file_name || "file"), el("div", "file-size", size(file.file_size || 0)));
    link.append(about);
    parts.push(link);
  }
  if (message.location) {
    const { latitude, longitude } = message.location;
    parts.push(el("div", "map"));
    parts.push(el("div", "place-caption", `📍 ${latitude.toFixed(5)}, ${longitude.toFixed(5)}`));
  }
  if (message.contact) {
    const contact = message.contact;
    const card = el("div", "contact");
    card.append(el("div", "avatar role-customer", initials(contact.first_name, contact.last_name)));
    const about = el("div");
    about.append(
      el("div", "file-name", [contact.first_name, contact.last_name].filter(Boolean).join(" ")),
      el("div", "contact-phone", contact.phone_number),
    );
    card.append(about);
    parts.push(card);
  }
  return parts;
}

// A whole message: bubble with its quote, content and time, then its inline buttons.
export function renderMessage(message, { api, quoteOf, onButton, language }) {
  const node = el("div", `message ${message.from_bot ? "in" : "out"}`);
  node.dataset.id = message.message_id;
  const bubble = el("div", "bubble");
  if (message.reply_to_message_id) {
    const quoted = quoteOf(message.reply_to_message_id);
    if (quoted) bubble.append(el("div", "reply-quote", quoted));
  }
  const parts = media(message, api);
  if (parts.length && (message.photo || message.location)) bubble.classList.add("media");
  bubble.append(...parts);
  const text = message.text ?? message.caption;
  if (text) bubble.append(formatted(message.html, text));
  const meta = el("span", "meta", `${message.edited ? `${tr(language, "edited")} ` : ""}${clock(message.date)}`);
  bubble.append(meta);
  node.append(bubble);
  const rows = message.reply_markup && message.reply_markup.inline_keyboard;
  if (rows && rows.length) node.append(inlineKeyboard(rows, message, onButton));
  return node;
}

function inlineKeyboard(rows, message, onButton) {
  const keyboard = el("div", "inline-keyboard");
  for (const row of rows) {
    const line = el("div", "row");
    for (const button of row) {
      const node = el("button", button.url ? "link" : "", button.text);
      node.type = "button";
      node.addEventListener("click", () => onButton(message, button, node));
      line.append(node);
    }
    keyboard.append(line);
  }
  return keyboard;
}

export function summary(message) {
  if (!message) return null;
  if (message.text) return message.text.split("\n")[0];
  if (message.caption) return message.caption.split("\n")[0];
  if (message.photo) return "🖼 Photo";
  if (message.document) return `📄 ${message.document.file_name || "File"}`;
  if (message.location) return "📍 Location";
  if (message.contact) return `👤 ${message.contact.first_name}`;
  return null;
}
