/** The runtime menu's groups in the draft (settings.menu): pure functions the app settings designer edits with.
 * Items are "form:<key>" / "dashboard:<key>"; what no group names is listed after the groups at run time. */

export interface MenuGroupDoc {
  label: Record<string, string>
  items: string[]
}

export interface MenuEntry {
  item: string
  kind: 'form' | 'dashboard'
  key: string
  label: Record<string, string> | undefined
}

interface Keyed { key?: unknown, label?: unknown }

/** Every form and dashboard of the draft as a menu entry, in definition order. */
export function menuEntries(doc: unknown): MenuEntry[] {
  const d = (doc ?? {}) as { forms?: Keyed[], dashboards?: Keyed[] }
  const of = (kind: 'form' | 'dashboard', list: Keyed[] | undefined): MenuEntry[] => (list ?? [])
    .filter((e): e is Keyed & { key: string } => typeof e.key === 'string')
    .map((e) => ({ item: `${kind}:${e.key}`, kind, key: e.key, label: e.label as Record<string, string> | undefined }))
  return [...of('form', d.forms), ...of('dashboard', d.dashboards)]
}

export function menuGroups(doc: unknown): MenuGroupDoc[] {
  const menu = ((doc ?? {}) as { settings?: { menu?: unknown } }).settings?.menu
  return Array.isArray(menu) ? menu as MenuGroupDoc[] : []
}

/** Entries no group names (they follow the groups, under 表单 / 仪表盘). */
export function ungrouped(doc: unknown): MenuEntry[] {
  const placed = new Set(menuGroups(doc).flatMap((g) => g.items))
  return menuEntries(doc).filter((e) => !placed.has(e.item))
}

function moved<T>(list: readonly T[], from: number, to: number): T[] {
  if (to < 0 || to >= list.length || from === to) return [...list]
  const next = [...list]
  next.splice(to, 0, ...next.splice(from, 1))
  return next
}

export function addGroup(groups: readonly MenuGroupDoc[], label: Record<string, string>): MenuGroupDoc[] {
  return [...groups, { label, items: [] }]
}

export function removeGroup(groups: readonly MenuGroupDoc[], index: number): MenuGroupDoc[] {
  return groups.filter((_, i) => i !== index)
}

export function moveGroup(groups: readonly MenuGroupDoc[], index: number, by: -1 | 1): MenuGroupDoc[] {
  return moved(groups, index, index + by)
}

export function renameGroup(groups: readonly MenuGroupDoc[], index: number, lang: string, text: string): MenuGroupDoc[] {
  return groups.map((g, i) => (i === index ? { ...g, label: { ...g.label, [lang]: text } } : g))
}

/** Put ``item`` at the end of group ``index`` (out of any other group first: an entry is in one group). */
export function addItem(groups: readonly MenuGroupDoc[], index: number, item: string): MenuGroupDoc[] {
  return groups.map((g, i) => {
    const rest = g.items.filter((x) => x !== item)
    return i === index ? { ...g, items: [...rest, item] } : { ...g, items: rest }
  })
}

export function removeItem(groups: readonly MenuGroupDoc[], index: number, item: string): MenuGroupDoc[] {
  return groups.map((g, i) => (i === index ? { ...g, items: g.items.filter((x) => x !== item) } : g))
}

export function moveItem(groups: readonly MenuGroupDoc[], index: number, item: string, by: -1 | 1): MenuGroupDoc[] {
  return groups.map((g, i) => {
    if (i !== index) return g
    const at = g.items.indexOf(item)
    return at < 0 ? g : { ...g, items: moved(g.items, at, at + by) }
  })
}
