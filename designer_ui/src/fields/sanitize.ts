// Rich text kept to an allow-list of tags with no attributes but a link's http(s) href: whatever a
// paste or a stored value holds, nothing scriptable reaches the page.
const ALLOWED = new Set(['B', 'STRONG', 'I', 'EM', 'U', 'P', 'BR', 'UL', 'OL', 'LI', 'A', 'DIV', 'SPAN'])

export function sanitizeHtml(html: string): string {
  if (typeof DOMParser === 'undefined') return html.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c] ?? c)
  const doc = new DOMParser().parseFromString(`<div>${html}</div>`, 'text/html')
  const clean = (node: Element) => {
    for (const child of Array.from(node.children)) {
      clean(child) // its subtree first, so what an unwrapped element leaves behind is already clean
      if (!ALLOWED.has(child.tagName)) {
        if (child.tagName === 'SCRIPT' || child.tagName === 'STYLE') child.remove()
        else child.replaceWith(...Array.from(child.childNodes))
        continue
      }
      const href = child.getAttribute('href')
      for (const attr of Array.from(child.attributes)) child.removeAttribute(attr.name)
      if (child.tagName === 'A' && href && /^https?:\/\//i.test(href)) child.setAttribute('href', href)
    }
  }
  const root = doc.body.firstElementChild
  if (!root) return ''
  clean(root)
  return root.innerHTML
}
