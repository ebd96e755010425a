// The web chat: pick a person, chat with the bot as them, see what it sends as it sends it.
//
// Each person's chat is a view kept in memory (so switching keeps history and scroll). Only the
// chat on screen long-polls the sandbox; the others are counted every few seconds for badges.

import { Api, loadConfig, runAction } from "./api.js";
import { Composer } from "./composer.js";
import { ChatView } from "./chat-view.js";
import { Follow } from "./follow.js";
import { tr, translatePage } from "./l10n.js";
import { el, initials } from "./render.js";

const $ = (id) => document.getElementById(id);
const WAIT_SECONDS = 25;
const BADGE_EVERY_MS = 3000;
const TYPING_MS = 5000;
const GROUPS = [
  ["admin", "Admin"],
  ["manager", "Managers"],
  ["rep", "Sales reps"],
  ["customer", "Customers"],
  ["stranger", "Not in the team yet"],
];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

class App {
  async start() {
    this.config = await loadConfig();
    this.api = new Api(this.config.token);
    this.views = new Map();
    this.defined = new Set();
    this.poller = null;
    document.title = this.config.title;
    $("title").textContent = this.config.title;
    $("bot-name").textContent = this.config.bot.first_name;
    $("bot-avatar").textContent = initials(this.config.bot.first_name);
    this.composer = new Composer({
      api: this.api,
      places: this.config.places,
      persona: () => this.current,
      toast: (text) => this.toast(text),
      afterSend: () => this.follow.toEnd(),
    });
    this.follow = new Follow($("messages"), $("new-below"));
    this.drawPeople();
    this.drawActions();
    this.bindLinks();
    $("people-toggle").addEventListener("click", () => $("people").classList.toggle("open"));
    const wanted = Number(location.hash.slice(1));
    await this.select(this.config.personas.find((p) => p.id === wanted) || this.config.personas[0]);
    this.countUnread();
  }

  // People ------------------------------------------------------------------------

  drawPeople() {
    const list = $("persona-list");
    for (const [role, heading] of GROUPS) {
      const people = this.config.personas.filter((p) => p.role === role);
      if (!people.length) continue;
      list.append(el("h2", null, heading));
      for (const persona of people) list.append(this.personaButton(persona));
    }
  }

  personaButton(persona) {
    const button = el("button", "persona");
    button.type = "button";
    button.dataset.persona = persona.id;
    const text = el("span", "persona-text");
    text.append(el("div", "persona-name", fullName(persona)), el("div", "persona-title", persona.title));
    const language = persona.language_code.startsWith("zh") ? "中文" : "EN";
    button.append(
      el("span", `avatar role-${persona.role}`, initials(persona.first_name, persona.last_name)),
      text,
      el("span", "lang", language),
      el("span", "badge", ""),
    );
    button.querySelector(".badge").hidden = true;
    button.addEventListener("click", () => {
      $("people").classList.remove("open");
      this.select(persona);
    });
    return button;
  }

  drawActions() {
    if (!this.config.actions.length) return;
    $("actions").hidden = false;
    for (const action of this.config.actions) {
      const button = el("button", null, action.label);
      button.type = "button";
      button.dataset.action = action.name;
      button.addEventListener("click", async () => {
        button.disabled = true;
        try {
          this.toast((await runAction(action.name)).text);
        } catch (error) {
          this.toast(error.message);
        } finally {
          button.disabled = false;
        }
      });
      $("action-list").append(button);
    }
  }

  async select(persona) {
    if (this.current === persona) return;
    this.current = persona;
    if (this.poller) this.poller.abort();
    location.hash = String(persona.id);
    for (const button of document.querySelectorAll(".persona")) {
      const selected = Number(button.dataset.persona) === persona.id;
      button.classList.toggle("selected", selected);
      if (selected) button.querySelector(".badge").hidden = true;
    }
    $("toast").hidden = true;
    const me = $("me");
    me.replaceChildren(el("strong", null, fullName(persona)), document.createTextNode(persona.title));
    translatePage(persona.language_code);
    this.composer.setLanguage(persona.language_code);
    this.setTyping(false);
    if (!this.views.has(persona.id)) {
      const created = new ChatView(persona, {
        api: this.api,
        onButton: (message, button, node) => this.pressed(created, message, button, node),
      });
      this.follow.watch(created.root);
      this.views.set(persona.id, created);
    }
    const view = this.views.get(persona.id);
    $("messages").replaceChildren(view.root);
    view.drawEmpty();
    this.composer.setKeyboard(...view.keyboard());
    this.follow.toEnd();
    if (!this.defined.has(persona.id)) {
      await this.api.defineUser(persona);
      this.defined.add(persona.id);
      if (this.current !== persona) return;
    }
    this.refreshMenu(persona);
    this.poll(view);
  }

  async refreshMenu(persona) {
    try {
      const commands = await this.api.commands(persona.id);
      if (this.current === persona) this.composer.setCommands(commands);
    } catch {
      this.composer.setCommands([]);
    }
  }

  // The chat on screen --------------------------------------------------------------

  async poll(view) {
    const poller = new AbortController();
    this.poller = poller;
    while (!poller.signal.aborted) {
      try {
        const wait = view.loaded ? WAIT_SECONDS : 0;
        const batch = await this.api.events(view.persona.id, view.seq, wait, poller.signal);
        this.apply(view, batch, view.loaded);
        view.loaded = true;
      } catch (error) {
        if (poller.signal.aborted) return;
        if (error.status === 404) {
          // Nobody has written here yet: say so, and look again soon.
          view.loaded = true;
          view.drawEmpty();
        }
        await sleep(error.status === 404 ? 500 : 2000);
      }
    }
  }

  apply(view, batch, live) {
    const onScreen = view === this.views.get(this.current.id);
    if (onScreen) this.follow.beforeAdding();
    const { fromBot, added } = view.apply(batch);
    for (const event of batch.events) {
      if (!live) continue;
      if (event.kind === "callback_answer") this.answered(batch.answers[event.callback_query_id]);
      if (event.kind === "chat_action") this.setTyping(true);
    }
    if (fromBot) this.setTyping(false);
    if (onScreen) {
      this.composer.setKeyboard(...view.keyboard());
      if (batch.messages.length) this.refreshMenu(view.persona);
      if (!live) this.follow.toEnd();
      else if (added) this.follow.added();
    }
  }

  setTyping(on) {
    clearTimeout(this.typingTimer);
    const status = $("bot-status");
    const language = this.current ? this.current.language_code : "en";
    status.textContent = tr(language, on ? "typing…" : "bot");
    status.classList.toggle("typing", on);
    if (on) this.typingTimer = setTimeout(() => this.setTyping(false), TYPING_MS);
  }

  // Buttons and links -------------------------------------------------------------------

  async pressed(view, message, button, node) {
    const language = view.persona.language_code;
    if (button.callback_data !== undefined) {
      node.classList.add("pending");
      setTimeout(() => node.classList.remove("pending"), 3000);
      try {
        await this.api.press(view.persona.id, message.message_id, button.callback_data);
      } catch (error) {
        this.toast(error.message);
      }
    } else if (button.url) {
      if (!this.openDeepLink(button.url)) window.open(button.url, "_blank", "noopener");
    } else if (button.copy_text) {
      await navigator.clipboard.writeText(button.copy_text.text);
      this.toast(tr(language, "Copied."));
    } else {
      this.toast(tr(language, "This kind of button does not work in the web chat."));
    }
  }

  answered(answer) {
    if (!answer || !answer.text) return;
    if (answer.show_alert) {
      $("alert-text").textContent = answer.text;
      $("alert").showModal();
    } else {
      this.toast(answer.text);
    }
  }

  // Links into this bot (t.me/<bot>?start=...) open here, as whoever the visitor picks.
  bindLinks() {
    $("messages").addEventListener("click", (event) => {
      const link = event.target.closest("a[href]");
      if (link && this.openDeepLink(link.href)) event.preventDefault();
    });
  }

  openDeepLink(href) {
    let url;
    try {
      url = new URL(href);
    } catch {
      return false;
    }
    const bot = this.config.bot.username.toLowerCase();
    if (url.hostname !== "t.me" || url.pathname.slice(1).toLowerCase() !== bot) return false;
    const payload = url.searchParams.get("start");
    const list = $("open-as-list");
    list.replaceChildren();
    $("open-as-link").textContent = href;
    for (const persona of this.config.personas) {
      const button = el("button", null, `${fullName(persona)} · ${persona.title}`);
      button.type = "button";
      button.dataset.persona = persona.id;
      button.addEventListener("click", async () => {
        $("open-as").close();
        await this.select(persona);
        await this.composer.sendText(payload ? `/start ${payload}` : "/start");
      });
      list.append(button);
    }
    $("open-as").showModal();
    return true;
  }

  toast(text) {
    const toast = $("toast");
    toast.textContent = text;
    toast.hidden = false;
    clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => (toast.hidden = true), 1500 + text.length * 25);
  }

  // Badges: messages that arrived in chats not on screen ---------------------------------

  async countUnread() {
    for (;;) {
      try {
        const chats = await this.api.chats();
        const counts = new Map(chats.map((chat) => [chat.id, chat.message_count]));
        for (const button of document.querySelectorAll(".persona")) {
          const id = Number(button.dataset.persona);
          const view = this.views.get(id);
          const seen = view ? view.messages.size : 0;
          const unread = id === this.current.id ? 0 : (counts.get(id) || 0) - seen;
          const badge = button.querySelector(".badge");
          badge.hidden = unread <= 0;
          badge.textContent = String(unread);
          badge.classList.toggle("unread", this.views.has(id));
        }
      } catch {
        // The sandbox is restarting; try again on the next beat.
      }
      await sleep(BADGE_EVERY_MS);
    }
  }
}

function fullName(persona) {
  return [persona.first_name, persona.last_name].filter(Boolean).join(" ");
}

window.addEventListener("DOMContentLoaded", () => {
  new App().start().catch((error) => {
    document.body.append(el("p", "empty", `The web chat could not start: ${error.message}`));
  });
});
