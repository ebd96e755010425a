// Everything below the messages: typing, the command menu, attachments, location and contact
// pickers, and the bot's reply keyboard.

import { el } from "./render.js";
import { tr } from "./l10n.js";

const $ = (id) => document.getElementById(id);

export class Composer {
  constructor({ api, places, persona, toast, afterSend }) {
    this.api = api;
    this.persona = persona; // () => the person chatting now
    this.toast = toast;
    this.afterSend = afterSend;
    this.commands = [];
    this.keyboard = null;
    this.keyboardOpen = true;
    this.placeholder = null;
    this.input = $("composer-input");
    this.bindComposer();
    this.bindAttachments();
    this.bindLocation(places);
    this.bindContact();
  }

  get language() {
    return this.persona().language_code;
  }

  // Sending ------------------------------------------------------------------

  async send(content) {
    const persona = this.persona();
    try {
      await this.api.send(persona.id, content);
      this.afterSend();
    } catch (error) {
      this.toast(error.message);
    }
  }

  async sendText(text) {
    const trimmed = text.trim();
    if (trimmed) await this.send({ text: trimmed });
  }

  sendLocation(latitude, longitude) {
    return this.send({ location: { latitude, longitude } });
  }

  sendOwnContact() {
    const persona = this.persona();
    return this.send({
      contact: {
        phone_number: persona.phone || "+10000000000",
        first_name: persona.first_name,
        last_name: persona.last_name,
        user_id: persona.id,
      },
    });
  }

  async upload(file) {
    const caption = this.input.value.trim();
    try {
      await this.api.upload(this.persona().id, file, caption);
      this.input.value = "";
      this.afterSend();
    } catch (error) {
      this.toast(error.message);
    }
  }

  // The text field, the menu and command suggestions ---------------------------

  bindComposer() {
    $("composer").addEventListener("submit", (event) => {
      event.preventDefault();
      const text = this.input.value;
      this.input.value = "";
      this.resize();
      this.hidePopups();
      this.sendText(text);
    });
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        $("composer").requestSubmit();
      }
      if (event.key === "Escape") this.hidePopups();
    });
    this.input.addEventListener("input", () => {
      this.resize();
      this.suggest();
    });
    $("menu-button").addEventListener("click", () => this.toggle("menu", () => this.fillMenu($("menu"), this.commands)));
    $("keyboard-button").addEventListener("click", () => {
      this.keyboardOpen = !this.keyboardOpen;
      this.drawKeyboard();
    });
    document.addEventListener("click", (event) => {
      if (!event.target.closest(".popup, #menu-button, #attach-button")) this.hidePopups();
    });
  }

  resize() {
    this.input.style.height = "auto";
    this.input.style.height = `${Math.min(this.input.scrollHeight, 120)}px`;
  }

  toggle(id, fill) {
    const popup = $(id);
    const opening = popup.hidden;
    this.hidePopups();
    if (opening) {
      fill();
      popup.hidden = false;
    }
  }

  hidePopups() {
    for (const id of ["menu", "attach", "suggestions"]) $(id).hidden = true;
  }

  fillMenu(popup, commands) {
    popup.replaceChildren();
    for (const command of commands) {
      const item = el("button");
      item.type = "button";
      item.dataset.command = command.command;
      item.append(el("span", "command", `/${command.command}`), el("span", "description", command.description));
      item.addEventListener("click", () => {
        this.hidePopups();
        this.input.value = "";
        this.sendText(`/${command.command}`);
      });
      popup.append(item);
    }
  }

  suggest() {
    const text = this.input.value;
    const popup = $("suggestions");
    const match = /^\/(\w*)$/.exec(text);
    const found = match ? this.commands.filter((c) => c.command.startsWith(match[1])) : [];
    if (!found.length) {
      popup.hidden = true;
      return;
    }
    this.fillMenu(popup, found);
    popup.hidden = false;
  }

  setCommands(commands) {
    this.commands = commands;
    $("menu-button").hidden = commands.length === 0;
  }

  setLanguage(language) {
    this.input.placeholder = this.placeholder || tr(language, "Message");
    $("share-own").textContent = `📞 ${tr(language, "Share my phone number")}`;
  }

  // Attachments ----------------------------------------------------------------

  bindAttachments() {
    $("attach-button").addEventListener("click", () => this.toggle("attach", () => {}));
    $("file-input").addEventListener("change", (event) => {
      const [file] = event.target.files;
      event.target.value = "";
      if (file) this.upload(file);
    });
    for (const button of $("attach").querySelectorAll("button")) {
      button.addEventListener("click", () => {
        this.hidePopups();
        const what = button.dataset.attach;
        if (what === "file") $("file-input").click();
        if (what === "location") this.askLocation();
        if (what === "contact") this.askContact();
      });
    }
  }

  bindLocation(places) {
    const list = $("place-list");
    for (const place of places) {
      const button = el("button", null, `📍 ${place.label}`);
      button.type = "button";
      button.dataset.place = place.label;
      button.addEventListener("click", () => {
        $("location-sheet").close();
        this.sendLocation(place.latitude, place.longitude);
      });
      list.append(button);
    }
    $("location-sheet").addEventListener("close", () => {
      if ($("location-sheet").returnValue !== "send") return;
      this.sendLocation(Number($("latitude").value), Number($("longitude").value));
    });
  }

  askLocation() {
    $("location-sheet").returnValue = "";
    $("location-sheet").showModal();
  }

  bindContact() {
    $("share-own").addEventListener("click", () => {
      $("contact-sheet").close();
      this.sendOwnContact();
    });
    $("contact-sheet").addEventListener("close", () => {
      const name = $("contact-name").value.trim();
      const phone = $("contact-phone").value.trim();
      if ($("contact-sheet").returnValue !== "send" || !name || !phone) return;
      this.send({ contact: { first_name: name, phone_number: phone } });
    });
  }

  askContact() {
    $("contact-sheet").returnValue = "";
    $("contact-sheet").showModal();
  }

  // The reply keyboard -------------------------------------------------------------

  // `state`: {markup, hidden} of the newest keyboard the bot sent, or null; `placeholder` of a force reply.
  setKeyboard(state, placeholder) {
    const changed = JSON.stringify(state && state.markup) !== JSON.stringify(this.keyboard && this.keyboard.markup);
    this.keyboard = state;
    if (changed) this.keyboardOpen = true;
    this.placeholder = placeholder;
    this.setLanguage(this.language);
    this.drawKeyboard();
  }

  drawKeyboard() {
    const panel = $("reply-keyboard");
    const state = this.keyboard;
    $("keyboard-button").hidden = !state;
    panel.replaceChildren();
    if (!state || state.hidden || !this.keyboardOpen) {
      panel.hidden = true;
      return;
    }
    for (const row of state.markup.keyboard) {
      const line = el("div", "row");
      for (const button of row) {
        const node = el("button", null, button.text);
        node.type = "button";
        node.addEventListener("click", () => this.pressKey(button));
        line.append(node);
      }
      panel.append(line);
    }
    panel.hidden = false;
  }

  pressKey(button) {
    if (button.request_location) return this.askLocation();
    if (button.request_contact) return this.sendOwnContact();
    if (button.request_users || button.request_chat || button.request_poll || button.web_app) {
      return this.toast(tr(this.language, "This kind of button does not work in the web chat."));
    }
    return this.sendText(button.text);
  }
}
