// billing: built in its own change.
export const strings = { en: {}, "zh-CN": {} };

export function mount(section) {
  const heading = document.createElement("h2");
  heading.id = "billing-heading";
  heading.dataset.i18n = "nav.billing";
  section.append(heading);
}

export async function show() {}
