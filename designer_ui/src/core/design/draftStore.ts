/**
 * The draft being designed: one JSON document, edited by JSON-path operations (ops.ts), with undo /
 * redo across the whole draft, a recycle bin of deleted elements, and autosave.
 *
 * The store never rewrites what it does not understand: the document is the server's JSON as parsed,
 * every edit copies only the path it changes, and an unchanged draft serialises to exactly what was
 * loaded. Autosave PUTs the draft a moment after the last edit (`delayMs`); a half-finished draft is
 * fine, and the server's answer lists its problems, which the store keeps for the problems panel.
 */
import { applyOps, type Op } from './ops'
import { getAt, type Path } from './pointer'

export interface Problem {
  path: string
  message: string
}

/** A deleted element, restorable with the ops that put it (and its references) back. */
export interface TrashItem {
  id: string
  label: string
  kind: string
  deletedAt: string
  restore: Op[]
}

export interface DraftState {
  readonly doc: unknown
  readonly trash: readonly TrashItem[]
}

export type SaveStatus = 'saved' | 'dirty' | 'saving' | 'error'

export interface Snapshot {
  readonly state: DraftState
  readonly status: SaveStatus
  readonly problems: readonly Problem[]
  readonly canUndo: boolean
  readonly canRedo: boolean
  readonly saveError: string | null
}

export interface SaveAnswer {
  errors: Problem[]
}

export interface DraftStoreOptions {
  save: (body: string) => Promise<SaveAnswer>
  /** Autosave this long after the last edit. */
  delayMs?: number
  trash?: readonly TrashItem[]
  problems?: readonly Problem[]
  /** The recycle bin outlives a reload: the page keeps it where it likes (localStorage). */
  onTrash?: (trash: readonly TrashItem[]) => void
  setTimer?: (fn: () => void, ms: number) => unknown
  clearTimer?: (handle: unknown) => void
  now?: () => Date
}

interface Step {
  before: DraftState
  after: DraftState
  /** Edits with the same key in a row (typing in one input) are one undo step. */
  coalesce: string | null
}

const HISTORY_LIMIT = 200

export class DraftStore {
  private state: DraftState
  private saved: unknown
  private past: Step[] = []
  private future: Step[] = []
  private status: SaveStatus = 'saved'
  private problems: readonly Problem[]
  private saveError: string | null = null
  private timer: unknown = null
  private inFlight: Promise<void> | null = null
  private listeners = new Set<() => void>()
  private snapshot: Snapshot
  private readonly options: Required<Omit<DraftStoreOptions, 'trash' | 'problems' | 'onTrash'>> & Pick<DraftStoreOptions, 'onTrash'>

  constructor(doc: unknown, options: DraftStoreOptions) {
    this.state = { doc, trash: options.trash ?? [] }
    this.saved = doc
    this.problems = options.problems ?? []
    this.options = {
      save: options.save, delayMs: options.delayMs ?? 1200, onTrash: options.onTrash,
      setTimer: options.setTimer ?? ((fn, ms) => setTimeout(fn, ms)),
      clearTimer: options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>)),
      now: options.now ?? (() => new Date()),
    }
    this.snapshot = this.makeSnapshot()
  }

  get doc(): unknown {
    return this.state.doc
  }

  at(path: Path): unknown {
    return getAt(this.state.doc, path)
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  getSnapshot = (): Snapshot => this.snapshot

  /** Apply `ops` as one undo step (merged into the previous one when `coalesce` repeats it). */
  edit(ops: readonly Op[], { coalesce = null }: { coalesce?: string | null } = {}): void {
    if (ops.length === 0) return
    const after: DraftState = { ...this.state, doc: applyOps(this.state.doc, ops) }
    this.commit(after, coalesce)
  }

  /** Remove an element into the recycle bin: `ops` delete it, `restore` would put it back. */
  remove(ops: readonly Op[], item: Omit<TrashItem, 'id' | 'deletedAt'>): void {
    const entry: TrashItem = { ...item, id: `${String(this.options.now().getTime())}-${String(this.state.trash.length)}`,
      deletedAt: this.options.now().toISOString() }
    this.commit({ doc: applyOps(this.state.doc, ops), trash: [entry, ...this.state.trash] }, null)
  }

  /** Put a deleted element back (one undo step); false when its place no longer takes it. */
  restore(id: string): boolean {
    const item = this.state.trash.find((t) => t.id === id)
    if (!item) return false
    let doc: unknown
    try {
      doc = applyOps(this.state.doc, item.restore)
    } catch {
      return false
    }
    this.commit({ doc, trash: this.state.trash.filter((t) => t.id !== id) }, null)
    return true
  }

  /** The whole draft replaced (a version restored as draft), undoable like any edit. */
  replace(doc: unknown): void {
    this.commit({ ...this.state, doc }, null)
  }

  undo(): void {
    const step = this.past.pop()
    if (!step) return
    this.future.push(step)
    this.move(step.before)
  }

  redo(): void {
    const step = this.future.pop()
    if (!step) return
    this.past.push(step)
    this.move(step.after)
  }

  /** The draft as the server gets it. */
  serialize(): string {
    return JSON.stringify(this.state.doc)
  }

  /** Save now (Ctrl+S): even an unchanged draft, so the problems are fresh. */
  async saveNow(): Promise<void> {
    this.cancelTimer()
    if (this.inFlight) await this.inFlight
    const doc = this.state.doc
    this.status = 'saving'
    this.emit()
    const run = (async () => {
      try {
        const answer = await this.options.save(JSON.stringify(doc))
        this.saved = doc
        this.problems = answer.errors
        this.saveError = null
        this.status = this.state.doc === doc ? 'saved' : 'dirty'
      } catch (error) {
        this.saveError = error instanceof Error ? error.message : String(error)
        this.status = 'error'
      }
    })()
    this.inFlight = run
    await run
    this.inFlight = null
    this.emit()
    if ((this.status as SaveStatus) === 'dirty') this.schedule()
  }

  /** Waits for any autosave due: a page leaving calls it. */
  async flush(): Promise<void> {
    if (this.timer !== null || this.status === 'dirty') await this.saveNow()
    else if (this.inFlight) await this.inFlight
  }

  dispose(): void {
    this.cancelTimer()
    this.listeners.clear()
  }

  private commit(after: DraftState, coalesce: string | null): void {
    const last = this.past[this.past.length - 1]
    if (coalesce !== null && last && last.coalesce === coalesce && this.future.length === 0) {
      last.after = after
    } else {
      this.past.push({ before: this.state, after, coalesce })
      if (this.past.length > HISTORY_LIMIT) this.past.shift()
    }
    this.future = []
    this.move(after)
  }

  private move(next: DraftState): void {
    const trashChanged = next.trash !== this.state.trash
    this.state = next
    if (trashChanged) this.options.onTrash?.(next.trash)
    if (this.status !== 'saving') this.status = next.doc === this.saved ? 'saved' : 'dirty'
    if (next.doc !== this.saved) this.schedule()
    this.emit()
  }

  private schedule(): void {
    this.cancelTimer()
    this.timer = this.options.setTimer(() => {
      this.timer = null
      void this.saveNow()
    }, this.options.delayMs)
  }

  private cancelTimer(): void {
    if (this.timer !== null) this.options.clearTimer(this.timer)
    this.timer = null
  }

  private makeSnapshot(): Snapshot {
    return { state: this.state, status: this.status, problems: this.problems, canUndo: this.past.length > 0,
      canRedo: this.future.length > 0, saveError: this.saveError }
  }

  private emit(): void {
    this.snapshot = this.makeSnapshot()
    for (const listener of this.listeners) listener()
  }
}
