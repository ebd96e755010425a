// The few words of the page itself, in the language of the person chatting (Telegram's app would be).

const CHINESE = {
  Message: "消息",
  Menu: "菜单",
  "Photo or file": "照片或文件",
  Location: "位置",
  Contact: "联系人",
  "Send a location": "发送位置",
  "Share a contact": "分享联系人",
  Latitude: "纬度",
  Longitude: "经度",
  Name: "姓名",
  Phone: "电话",
  Send: "发送",
  Cancel: "取消",
  edited: "已编辑",
  bot: "机器人",
  "typing…": "正在输入…",
  Today: "今天",
  Yesterday: "昨天",
  "Share my phone number": "分享我的电话号码",
  "No messages here yet. Send /start to begin.": "这里还没有消息。发送 /start 开始。",
  "This kind of button does not work in the web chat.": "网页聊天不支持这种按钮。",
  "Copied.": "已复制。",
  "↓ new": "↓ 新消息",
  "Newest messages": "最新消息",
};

export function tr(language, text) {
  return (language || "").toLowerCase().startsWith("zh") ? CHINESE[text] || text : text;
}

// Every element marked data-l10n (text), data-l10n-placeholder or data-l10n-title, in `language`.
export function translatePage(language) {
  for (const node of document.querySelectorAll("[data-l10n]")) node.textContent = tr(language, node.dataset.l10n);
  for (const node of document.querySelectorAll("[data-l10n-placeholder]")) {
    node.placeholder = tr(language, node.dataset.l10nPlaceholder);
  }
  for (const node of document.querySelectorAll("[data-l10n-title]")) node.title = tr(language, node.dataset.l10nTitle);
}
