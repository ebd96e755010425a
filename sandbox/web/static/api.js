// The sandbox's control API as the page uses it: act as a person, read their chat.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function answer(response) {
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, body.error || response.statusText);
  return body;
}

export class Api {
  constructor(token) {
    this.base = `/sandbox/${token}`;
  }

  async get(path, signal) {
    return answer(await fetch(`${this.base}/${path}`, { signal }));
  }

  async post(path, body) {
    const init = body instanceof FormData
      ? { method: "POST", body }
      : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
    return answer(await fetch(`${this.base}/${path}`, init));
  }

  defineUser(persona) {
    return this.post("users", {
      id: persona.id,
      first_name: persona.first_name,
      last_name: persona.last_name,
      language_code: persona.language_code,
    });
  }

  // A message in the person's private chat: {text} | {location} | {contact}.
  send(userId, content) {
    return this.post(`chats/${userId}/messages`, { from_id: userId, ...content });
  }

  upload(userId, file, caption) {
    const form = new FormData();
    form.append("from_id", String(userId));
    form.append("kind", /^image\/(jpeg|png|webp)$/.test(file.type) ? "photo" : "document");
    if (caption) form.append("caption", caption);
    form.append("file", file, file.name);
    return this.post(`chats/${userId}/messages`, form);
  }

  press(userId, messageId, data) {
    return this.post("callback", { from_id: userId, chat_id: userId, message_id: messageId, data });
  }

  // Events after `after`, held up to `wait` seconds, with the messages they touched.
  events(chatId, after, wait, signal) {
    return this.get(`chats/${chatId}/events?after=${after}&wait=${wait}&messages=1`, signal);
  }

  commands(userId) {
    return this.get(`users/${userId}/commands`);
  }

  chats() {
    return this.get("chats");
  }

  fileUrl(fileId) {
    return `${this.base}/files/${encodeURIComponent(fileId)}`;
  }
}

export async function loadConfig() {
  return answer(await fetch("/web/config"));
}

export async function runAction(name) {
  return answer(await fetch(`/web/actions/${encodeURIComponent(name)}`, { method: "POST" }));
}
