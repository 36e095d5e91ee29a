import { describe, expect, it } from 'vitest'
import { DraftStore, type SaveAnswer } from '../../src/core/design/draftStore'
import { applyOps } from '../../src/core/design/ops'
import { formatPointer, parsePointer, setAt } from '../../src/core/design/pointer'

/** A store whose autosave timer the test fires by hand. */
function manual(doc: unknown, answer: SaveAnswer = { errors: [] }) {
  const saved: string[] = []
  let pending: (() => void) | null = null
  const store = new DraftStore(doc, {
    save: (body) => (saved.push(body), Promise.resolve(answer)),
    setTimer: (fn) => ((pending = fn), 1), clearTimer: () => { pending = null },
  })
  return { store, saved, fire: async () => { const fn = pending; pending = null; fn?.(); await store.flush() },
    due: () => pending !== null }
}

describe('pointers and ops', () => {
  it('parses and formats escaped pointers', () => {
    expect(parsePointer('/a~1b/0/c~0d')).toEqual(['a/b', '0', 'c~d'])
    expect(formatPointer(['a/b', 0, 'c~d'])).toBe('/a~1b/0/c~0d')
    expect(parsePointer('')).toEqual([])
  })

  it('copies only the changed path and keeps key order', () => {
    const doc = { a: { b: 1, c: 2 }, d: [1, 2] }
    const next = setAt(doc, ['a', 'b'], 5) as typeof doc
    expect(JSON.stringify(next)).toBe('{"a":{"b":5,"c":2},"d":[1,2]}')
    expect(next.d).toBe(doc.d)
    expect(doc.a.b).toBe(1)
  })

  it('inserts, removes and moves array elements', () => {
    const doc = { list: ['a', 'b', 'c'] }
    expect(applyOps(doc, [{ op: 'insert', path: ['list', '1'], value: 'x' }])).toEqual({ list: ['a', 'x', 'b', 'c'] })
    expect(applyOps(doc, [{ op: 'insert', path: ['list', '-'], value: 'x' }])).toEqual({ list: ['a', 'b', 'c', 'x'] })
    expect(applyOps(doc, [{ op: 'remove', path: ['list', '0'] }])).toEqual({ list: ['b', 'c'] })
    expect(applyOps(doc, [{ op: 'move', from: ['list', '0'], path: ['list', '2'] }])).toEqual({ list: ['b', 'c', 'a'] })
    expect(applyOps(doc, [{ op: 'insert', path: ['list', '9'], value: 'x', clamp: true }])).toEqual({ list: ['a', 'b', 'c', 'x'] })
    expect(() => applyOps(doc, [{ op: 'insert', path: ['list', '9'], value: 'x' }])).toThrow(RangeError)
  })
})

describe('the draft store', () => {
  it('undoes and redoes across edits, typing in one input being one step', () => {
    const { store } = manual({ label: '', n: 0 })
    store.edit([{ op: 'set', path: ['label'], value: 'a' }], { coalesce: 'label' })
    store.edit([{ op: 'set', path: ['label'], value: 'ab' }], { coalesce: 'label' })
    store.edit([{ op: 'set', path: ['n'], value: 1 }])
    store.undo()
    expect(store.doc).toEqual({ label: 'ab', n: 0 })
    store.undo()
    expect(store.doc).toEqual({ label: '', n: 0 })
    expect(store.getSnapshot().canUndo).toBe(false)
    store.redo()
    store.redo()
    expect(store.doc).toEqual({ label: 'ab', n: 1 })
    expect(store.getSnapshot().canRedo).toBe(false)
  })

  it('a new edit after an undo drops the redo branch', () => {
    const { store } = manual({ n: 0 })
    store.edit([{ op: 'set', path: ['n'], value: 1 }])
    store.undo()
    store.edit([{ op: 'set', path: ['n'], value: 2 }])
    expect(store.getSnapshot().canRedo).toBe(false)
    store.redo()
    expect(store.doc).toEqual({ n: 2 })
  })

  it('autosaves after an edit and keeps the problems the server names', async () => {
    const problem = { path: '/forms/0/key', message: 'bad key' }
    const { store, saved, fire, due } = manual({ forms: [] }, { errors: [problem] })
    expect(due()).toBe(false)
    store.edit([{ op: 'insert', path: ['forms', '0'], value: { key: 'A' } }])
    expect(store.getSnapshot().status).toBe('dirty')
    expect(due()).toBe(true)
    await fire()
    expect(saved).toEqual(['{"forms":[{"key":"A"}]}'])
    expect(store.getSnapshot().status).toBe('saved')
    expect(store.getSnapshot().problems).toEqual([problem])
    store.undo()
    expect(store.getSnapshot().status).toBe('dirty') // undo after a save is a change to save too
  })

  it('a failed save leaves the draft unsaved with the reason', async () => {
    const store = new DraftStore({ n: 0 }, { save: () => Promise.reject(new Error('offline')),
      setTimer: () => 1, clearTimer: () => undefined })
    store.edit([{ op: 'set', path: ['n'], value: 1 }])
    await store.saveNow()
    expect(store.getSnapshot().status).toBe('error')
    expect(store.getSnapshot().saveError).toBe('offline')
  })

  it('keeps deleted elements in the recycle bin and restores them; undo takes the deletion back too', () => {
    const kept: unknown[] = []
    const store = new DraftStore({ list: ['a', 'b'] }, { save: () => Promise.resolve({ errors: [] }),
      setTimer: () => 1, clearTimer: () => undefined, onTrash: (t) => kept.push(t) })
    store.remove([{ op: 'remove', path: ['list', '0'] }], { kind: 'field', label: 'A',
      restore: [{ op: 'insert', path: ['list', '0'], value: 'a', clamp: true }] })
    expect(store.doc).toEqual({ list: ['b'] })
    const [item] = store.getSnapshot().state.trash
    expect(item?.label).toBe('A')
    expect(store.restore(item?.id ?? '')).toBe(true)
    expect(store.doc).toEqual({ list: ['a', 'b'] })
    expect(store.getSnapshot().state.trash).toHaveLength(0)
    store.undo() // the restore
    store.undo() // the deletion
    expect(store.doc).toEqual({ list: ['a', 'b'] })
    expect(store.getSnapshot().state.trash).toHaveLength(0)
    expect(kept.length).toBeGreaterThan(0)
  })
})
