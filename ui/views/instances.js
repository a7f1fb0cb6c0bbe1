// instances: built in its own change.
export const strings = { en: {}, "zh-CN": {} };

export function mount(section) {
  const heading = document.createElement("h2");
  heading.id = "instances-heading";
  heading.dataset.i18n = "nav.instances";
  section.append(heading);
}

export async function show() {}
