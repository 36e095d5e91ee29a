// The complaint template opened in the designer and saved without changes is byte-identical: the
// draft store and the form designer's model rewrite nothing they do not understand.
import { describe, expect, it } from 'vitest'
import { DraftStore } from '../../src/core/design/draftStore'
import { canvasOf, fieldsOf } from '../../src/core/design/formModel'
import { assembleTemplate, readText, sectionFiles } from './template'

describe('the complaint template round trip', () => {
  it('saves exactly the text it loaded, every template file byte for byte', async () => {
    const original = assembleTemplate()
    const loaded: unknown = JSON.parse(JSON.stringify(original)) // as the GET answer arrives
    const bodies: string[] = []
    const store = new DraftStore(loaded, { save: (body) => (bodies.push(body), Promise.resolve({ errors: [] })) })
    const forms = (store.doc as { forms: unknown[] }).forms
    for (const form of forms) {
      canvasOf(form) // opening each form in the designer
      fieldsOf(form)
    }
    await store.saveNow() // Ctrl+S without an edit
    expect(bodies).toHaveLength(1)
    expect(bodies[0]).toBe(JSON.stringify(original))

    const saved = JSON.parse(bodies[0] ?? '') as Record<string, unknown[]>
    let at: Record<string, number> = {}
    for (const { section, name, count } of sectionFiles()) {
      const start = at[section] ?? 0
      const items = (saved[section] ?? []).slice(start, start + count)
      at = { ...at, [section]: start + count }
      const text = readText(name)
      const parsed: unknown = JSON.parse(text)
      const again = JSON.stringify(Array.isArray(parsed) ? items : items[0], null, 2) + '\n'
      expect(again, name).toBe(text)
    }
  })

  it('undoing every edit returns the same bytes', async () => {
    const original = assembleTemplate()
    const store = new DraftStore(JSON.parse(JSON.stringify(original)), { save: () => Promise.resolve({ errors: [] }),
      setTimer: () => 0, clearTimer: () => undefined })
    store.edit([{ op: 'set', path: ['forms', '0', 'label', 'en'], value: 'Clients' }])
    store.edit([{ op: 'remove', path: ['forms', '4', 'fields', '0'] }])
    store.edit([{ op: 'move', from: ['forms', '1'], path: ['forms', '3'] }])
    expect(store.serialize()).not.toBe(JSON.stringify(original))
    store.undo()
    store.undo()
    store.undo()
    expect(store.serialize()).toBe(JSON.stringify(original))
  })
})
