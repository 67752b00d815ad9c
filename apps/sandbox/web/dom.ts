/** Builds an element: attributes (`html` sets innerHTML; false/undefined are left out) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | boolean | undefined> = {},
  children: (Node | string)[] = [],
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (key === 'html') el.innerHTML = String(value);
    else el.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children) el.append(child);
  return el;
}

/** "10:42" in the viewer's time zone. */
export function clock(iso: string): string {
  const date = new Date(iso);
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}

const avatarPalette = ['#ff7a45', '#4c8dff', '#22b07d', '#9b6bff', '#f2a516', '#e5527a'];

function initials(name: string): string {
  const parts = name.split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '') + (parts[1]?.[0] ?? '')).toUpperCase() || '?';
}

export function avatar(name: string, index: number, extraClass = '', online = false): HTMLElement {
  const el = h('span', { class: `lc-avatar ${extraClass}`.trim() }, [initials(name)]);
  el.style.background = avatarPalette[index % avatarPalette.length] ?? '#4c8dff';
  if (online) el.append(h('span', { class: 'lc-avatar__dot' }));
  return el;
}
