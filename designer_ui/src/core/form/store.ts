/**
 * The values of a record being edited, outside React, so that a keystroke redraws only the fields it
 * changes: the field typed in, the formulas that read it, and the fields whose linkage reads either
 * (FormLogic.stateReaders, found once per form). Each field subscribes to its own snapshot
 * ({value, state}), which keeps its identity until one of the two changes.
 *
 *   const store = new RecordStore(logic, ctx, {}, { isNew: true })
 *   store.subscribeField('amount', redraw)
 *   store.set('amount', '6000')     // redraws 'amount', and 'approver' if its required_if reads amount
 */
import type { EvalContext } from '../expr'
import type { FieldState, FormLogic } from './logic'
import type { Values } from './types'

export interface FieldSnapshot {
  /** The value with formulas computed, as the API gives it. */
  value: unknown
  state: FieldState
}

const SHOWN: FieldState = { visible: true, required: false, readonly: false }

export class RecordStore {
  private logic: FormLogic
  private readonly ctx: EvalContext
  private readonly isNew: boolean
  private raw: Values
  private withFormulas: Values = {}
  private fieldStates: Record<string, FieldState> = {}
  private readonly snapshots = new Map<string, FieldSnapshot>()
  private readonly touchedKeys = new Set<string>()
  private readonly fieldListeners = new Map<string, Set<() => void>>()
  private readonly listeners = new Set<() => void>()
  private keys: string[]

  constructor(logic: FormLogic, ctx: EvalContext, initial: Values, { isNew, keys }: { isNew: boolean; keys: string[] }) {
    this.logic = logic
    this.ctx = ctx
    this.isNew = isNew
    this.keys = keys
    this.raw = isNew ? { ...initial, ...logic.defaults(initial, ctx, new Set()) } : initial
    this.recomputeAll()
  }

  /** The values as typed (and defaulted), without formulas. */
  get values(): Values {
    return this.raw
  }

  /** The values with formulas computed: what the form shows and what a save sends. */
  get computed(): Values {
    return this.withFormulas
  }

  get touched(): ReadonlySet<string> {
    return this.touchedKeys
  }

  state(key: string): FieldState {
    return this.fieldStates[key] ?? SHOWN
  }

  field(key: string): FieldSnapshot {
    let snapshot = this.snapshots.get(key)
    if (!snapshot) {
      snapshot = { value: this.withFormulas[key], state: this.state(key) }
      this.snapshots.set(key, snapshot)
    }
    return snapshot
  }

  /** One field typed in: new records refill the defaults of the fields not typed in yet. */
  set(key: string, value: unknown): void {
    this.touchedKeys.add(key)
    let next: Values = { ...this.raw, [key]: value }
    // constant defaults were set once; only default formulas can follow what is typed
    if (this.isNew && this.logic.hasDefaultFormulas) next = { ...next, ...this.logic.defaults(next, this.ctx, this.touchedKeys) }
    const changed = this.keys.filter((k) => next[k] !== this.raw[k])
    this.raw = next
    const computed = changed.some((k) => this.logic.feedsFormulas(k))
      ? this.logic.withFormulas(next, this.ctx)
      : { ...this.withFormulas, ...Object.fromEntries(changed.map((k) => [k, next[k]])) }
    const moved = this.keys.filter((k) => computed[k] !== this.withFormulas[k])
    this.withFormulas = computed
    const stale = new Set<string>()
    for (const k of moved) for (const reader of this.logic.stateReaders(k)) stale.add(reader)
    this.publish(this.mergeStates(this.logic.statesOf(stale, computed, this.ctx)), moved)
  }

  /** Values from elsewhere (the saved record, the other person's version): everything is recomputed. */
  replace(values: Values, { untouched = true } = {}): void {
    if (untouched) this.touchedKeys.clear()
    this.raw = this.isNew ? { ...values, ...this.logic.defaults(values, this.ctx, this.touchedKeys) } : values
    this.recomputeAll()
  }

  /** What the user typed, without the defaults around it. */
  typed(): Values {
    return Object.fromEntries([...this.touchedKeys].map((key) => [key, this.raw[key]]))
  }

  /** The logic the values are computed with (replaced by setLogic). */
  get formLogic(): FormLogic {
    return this.logic
  }

  /** The form changed (the designer's preview): everything is recomputed with the new logic. */
  setLogic(logic: FormLogic, keys: string[]): void {
    this.logic = logic
    this.keys = keys
    if (this.isNew) this.raw = { ...this.raw, ...logic.defaults(this.raw, this.ctx, this.touchedKeys) }
    this.recomputeAll()
  }

  subscribeField(key: string, listener: () => void): () => void {
    let set = this.fieldListeners.get(key)
    if (!set) {
      set = new Set()
      this.fieldListeners.set(key, set)
    }
    set.add(listener)
    return () => set.delete(listener)
  }

  /** Called after every change, whatever it touched. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private recomputeAll(): void {
    const before = this.withFormulas
    this.withFormulas = this.logic.withFormulas(this.raw, this.ctx)
    const moved = this.keys.filter((k) => this.withFormulas[k] !== before[k])
    this.publish(this.mergeStates(this.logic.states(this.withFormulas, this.ctx)), moved)
  }

  /** The states that really changed, keeping the others' objects (and so their snapshots). */
  private mergeStates(fresh: Record<string, FieldState>): string[] {
    const changed: string[] = []
    const next = { ...this.fieldStates }
    for (const [key, state] of Object.entries(fresh)) {
      const old = next[key]
      if (old && old.visible === state.visible && old.required === state.required && old.readonly === state.readonly) continue
      next[key] = state
      changed.push(key)
    }
    if (changed.length > 0) this.fieldStates = next
    return changed
  }

  private publish(...lists: string[][]): void {
    const keys = new Set(lists.flat())
    for (const key of keys) this.snapshots.delete(key)
    for (const key of keys) for (const listener of this.fieldListeners.get(key) ?? []) listener()
    for (const listener of this.listeners) listener()
  }
}
