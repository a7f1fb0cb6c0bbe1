// Marks the page ready and tells the Rust side, as License Companion's page does.
window.addEventListener("DOMContentLoaded", () => {
  document.body.dataset.ready = "true";
  window.__TAURI__.core.invoke("page_ready");
});
