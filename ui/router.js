// Switches between the views. Each view module exports `strings`, `mount(section)` (build
// once) and `show(params)` (refresh whenever it is opened).
import { t } from "./i18n.js";

const views = new Map();
let current = null;

export function register(name, module) {
  views.set(name, module);
}

/** Opens a view; `params` lets one view hand work to another (e.g. a problem's action). */
export async function navigate(name, params = {}) {
  const view = views.get(name);
  if (!view) return;
  for (const [other] of views) {
    document.getElementById(`view-${other}`).hidden = other !== name;
    const tab = document.querySelector(`#nav [data-view='${other}']`);
    if (tab) {
      if (other === name) tab.setAttribute("aria-current", "page");
      else tab.removeAttribute("aria-current");
    }
  }
  current = name;
  document.title = `${t(`nav.${name}`)} · ${t("app.title")}`;
  await view.show(params);
}

/** The open view's name. */
export function currentView() {
  return current;
}

/** Re-renders the open view (after a language change). */
export async function refresh() {
  if (current) await views.get(current).show({});
}
