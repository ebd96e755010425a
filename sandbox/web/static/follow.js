// Keeping the newest message in sight, as Telegram does.
//
// The chat follows its end while the reader is there. Only the reader leaves it: a scroll up away
// from the end, by wheel, touch, scrollbar or key, stops following; scrolling back to the end (or
// the "↓ new" marker) resumes it. Nothing else counts as leaving: not content growing (a reply, a
// photo or font loading, an edit), and not the browser pulling the scroll position back when the
// chat gets taller (the composer shrinking back after a send). A scroll event is dispatched a frame
// after the scroll, by when the next reply may already have made the end look far away, so its
// position alone cannot tell who moved. While following, the chat is put back at its end after
// every change of size, and once more on the next frame, when layout has settled. While the reader
// is further up nothing moves; a message arriving shows the marker instead.

// How far from the end (px) still counts as at the end.
const SLACK = 40;
// How long after a wheel turn, touch or key a scroll is still the reader's doing (ms).
const INTENT_MS = 1000;
const SCROLL_KEYS = new Set(["ArrowUp", "PageUp", "Home", "ArrowDown", "PageDown", "End", " "]);

export class Follow {
  constructor(box, marker) {
    this.box = box;
    this.marker = marker;
    this.following = true;
    this.top = box.scrollTop;
    this.frame = 0;
    this.intent = -Infinity;
    this.holding = false;
    const reading = () => (this.intent = performance.now());
    box.addEventListener("wheel", reading, { passive: true });
    box.addEventListener("touchmove", reading, { passive: true });
    document.addEventListener("keydown", (event) => {
      if (SCROLL_KEYS.has(event.key) && !event.target.closest("input, textarea, [contenteditable]")) reading();
    });
    // A finger or a scrollbar drag: the reader's for as long as it is held.
    box.addEventListener("pointerdown", () => (this.holding = true));
    for (const type of ["pointerup", "pointercancel"]) window.addEventListener(type, () => (this.holding = false));
    box.addEventListener("scroll", () => this.scrolled());
    marker.addEventListener("click", () => this.toEnd());
    this.sizes = new ResizeObserver(() => this.settle());
    this.sizes.observe(box);
  }

  // A chat's messages: a change in their size (a new message, a picture loaded) is followed.
  watch(node) {
    this.sizes.observe(node);
  }

  atEnd() {
    return this.box.scrollHeight - this.box.scrollTop - this.box.clientHeight <= SLACK;
  }

  scrolled() {
    const top = this.box.scrollTop;
    if (this.atEnd()) {
      this.following = true;
      this.marker.hidden = true;
    } else if (top < this.top - 1 && this.readerScrolling()) {
      this.following = false;
    }
    this.top = top;
  }

  readerScrolling() {
    return this.holding || performance.now() - this.intent < INTENT_MS;
  }

  // Before new messages go in: the reader at the end now stays there, whatever events are pending.
  beforeAdding() {
    if (this.atEnd()) this.following = true;
  }

  // New messages went in at the end.
  added() {
    if (this.following) this.settle();
    else this.marker.hidden = false;
  }

  // To the end and following: the reader sent something, opened a chat or asked for the marker.
  toEnd() {
    this.following = true;
    this.marker.hidden = true;
    this.settle();
  }

  settle() {
    if (!this.following) return;
    this.pin();
    cancelAnimationFrame(this.frame);
    this.frame = requestAnimationFrame(() => this.pin());
  }

  pin() {
    if (!this.following) return;
    this.box.scrollTop = this.box.scrollHeight;
    this.top = this.box.scrollTop;
  }
}
