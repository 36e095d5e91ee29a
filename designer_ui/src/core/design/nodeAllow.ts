// The switches of a human step's `allow` block (flow engine: model.py NodeAllow). An absent switch is
// on, so the designer writes only the switches turned off and removes the block when all are on again:
// a flow saved without changes keeps its bytes.
import type { FlowNode } from './flowModel'

export const ALLOW_KEYS = [
  'reject', 'send_back', 'return', 'transfer', 'delegate', 'add_signer_before', 'add_signer_after', 'cc',
] as const
export type AllowKey = (typeof ALLOW_KEYS)[number]

/** The switches a node kind shows: only approval steps can be rejected. */
export function allowKeysFor(kind: string): AllowKey[] {
  return ALLOW_KEYS.filter((k) => k !== 'reject' || kind === 'approval')
}

export function isAllowed(node: FlowNode, key: AllowKey): boolean {
  const allow = node.allow
  return !(allow && typeof allow === 'object' && (allow as Record<string, unknown>)[key] === false)
}

/** The node's next `allow` block with `key` switched, or undefined when every switch is on. */
export function switchAllow(node: FlowNode, key: AllowKey, on: boolean): Record<string, boolean> | undefined {
  const current = node.allow && typeof node.allow === 'object' ? { ...(node.allow as Record<string, boolean>) } : {}
  if (on) delete current[key]
  else current[key] = false
  return Object.keys(current).length ? current : undefined
}
