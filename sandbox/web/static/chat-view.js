// One person's chat as the page holds it: the messages as last seen, drawn in order.

import { tr } from "./l10n.js";
import { el, renderMessage, summary } from "./render.js";

export class ChatView {
  constructor(persona, { api, onButton }) {
    this.persona = persona;
    this.api = api;
    this.onButton = onButton;
    this.seq = 0;
    this.loaded = false;
    this.messages = new Map();
    this.nodes = new Map();
    this.root = el("div", "chat");
    this.lastDay = null;
  }

  // A batch of events from the sandbox: whether the bot said something in it, and whether a
  // message was added at the end (rather than edited or deleted in place).
  apply(batch) {
    let fromBot = false;
    let added = false;
    for (const message of batch.messages) {
      this.messages.set(message.message_id, message);
      added = this.draw(message) || added;
      fromBot ||= message.from_bot;
    }
    this.seq = batch.seq;
    this.drawEmpty();
    return { fromBot, added };
  }

  // New messages go at the end (under a day heading when the day changes); edits replace in place.
  // True if the message went in at the end.
  draw(message) {
    const old = this.nodes.get(message.message_id);
    if (message.deleted || message.service) {
      if (old) old.remove();
      this.nodes.delete(message.message_id);
      return false;
    }
    const node = renderMessage(message, {
      api: this.api,
      language: this.persona.language_code,
      quoteOf: (id) => summary(this.messages.get(id)),
      onButton: this.onButton,
    });
    this.nodes.set(message.message_id, node);
    if (old) {
      old.replaceWith(node);
      return false;
    }
    const day = new Date(message.date * 1000).toDateString();
    if (day !== this.lastDay) {
      this.root.append(el("div", "day", dayLabel(message.date, this.persona.language_code)));
      this.lastDay = day;
    }
    this.root.append(node);
    return true;
  }

  drawEmpty() {
    const empty = this.root.querySelector(".empty");
    if (this.nodes.size > 0) {
      if (empty) empty.remove();
    } else if (!empty && this.loaded) {
      const hint = tr(this.persona.language_code, "No messages here yet. Send /start to begin.");
      this.root.append(el("div", "empty", hint));
    }
  }

  // The bot's newest reply keyboard (hidden once used if one-time) and a force reply's placeholder.
  keyboard() {
    let state = null;
    let placeholder = null;
    const ordered = [...this.messages.values()].sort((a, b) => a.message_id - b.message_id);
    for (const message of ordered) {
      const markup = message.reply_markup;
      if (!message.from_bot) {
        if (state && state.markup.one_time_keyboard) state.hidden = true;
        continue;
      }
      if (markup && markup.keyboard) state = { markup, hidden: false };
      if (markup && markup.remove_keyboard) state = null;
      placeholder = (markup && markup.input_field_placeholder) || null;
    }
    return [state, placeholder];
  }
}

function dayLabel(seconds, language) {
  const day = new Date(seconds * 1000);
  const yesterday = new Date(Date.now() - 86400000);
  if (day.toDateString() === new Date().toDateString()) return tr(language, "Today");
  if (day.toDateString() === yesterday.toDateString()) return tr(language, "Yesterday");
  return day.toLocaleDateString(language.startsWith("zh") ? "zh-CN" : "en", { month: "long", day: "numeric" });
}
