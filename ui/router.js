// Switches between the views. Each view module exports `mount(section)` (build
// once) and `show(params)` (refresh whenever it is opened). A view's module is loaded and
// mounted the first time it is opened: the first window paints the dashboard alone, and
// views never opened cost no memory.
import { t, applyLanguage } from "./i18n.js";

const loaders = new Map();
const mounted = new Map();
let current = null;

/** Names a view and how to load its module (`() => import(…)`). */
export function register(name, load) {
  loaders.set(name, load);
}

/** The view's module, loaded and mounted on first use. */
export function viewOf(name) {
  if (!mounted.has(name)) {
    const loading = loaders.get(name)().then((view) => {
      view.mount(document.getElementById(`view-${name}`));
      applyLanguage();
      return view;
    });
    // A module that failed to load is tried again the next time.
    loading.catch(() => mounted.delete(name));
    mounted.set(name, loading);
  }
  return mounted.get(name);
}

/** Opens a view; `params` lets one view hand work to another (e.g. a problem's action). */
export async function navigate(name, params = {}) {
  if (!loaders.has(name)) return;
  const view = await reveal(name);
  await view.show(params);
}

/**
 * Shows a view as it was last drawn (as mounted, the first time), without refreshing it:
 * the first window paints this before asking for any data.
 */
export async function reveal(name) {
  const view = await viewOf(name);
  for (const [other] of loaders) {
    document.getElementById(`view-${other}`).hidden = other !== name;
    const tab = document.querySelector(`#nav [data-view='${other}']`);
    if (tab) {
      if (other === name) tab.setAttribute("aria-current", "page");
      else tab.removeAttribute("aria-current");
    }
  }
  current = name;
  document.title = `${t(`nav.${name}`)} · ${t("app.title")}`;
  return view;
}

/** The open view's name. */
export function currentView() {
  return current;
}

/** Re-renders the open view (after a language change). */
export async function refresh() {
  if (current) await (await viewOf(current)).show({});
}
