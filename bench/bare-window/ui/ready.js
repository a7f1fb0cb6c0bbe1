// Marks the page ready once it is painted and tells the Rust side, as License Companion's
// page does (two animation frames: the first view has then reached the screen).
window.addEventListener("DOMContentLoaded", () => {
  requestAnimationFrame(() => requestAnimationFrame(() => {
    document.body.dataset.ready = "true";
    window.__TAURI__.core.invoke("page_ready");
  }));
});
