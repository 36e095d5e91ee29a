/**
 * Print templates in the draft (`prints`), as the print designer edits them: the list, new templates and blocks,
 * moves, and the rows the blocks are laid out in (the server's renderer uses the same rule: two half-width blocks
 * share a row, anything else takes a row of its own).
 *
 *   rowsOf([{kind: 'field', width: 'half'}, {kind: 'field', width: 'half'}, {kind: 'table'}]) → [[0, 1], [2]]
 */
import type { Op } from './ops'

export type Label = Record<string, string>
export type PrintBlock = Record<string, unknown> & { kind: string }
export interface PrintPageSettings {
  size?: 'A4' | 'A5' | 'letter'
  orientation?: 'portrait' | 'landscape'
  margins?: Partial<Record<'top' | 'right' | 'bottom' | 'left', number>>
}
export interface PrintTemplate {
  index: number
  key: string
  label?: Label
  form: string
  page: PrintPageSettings
  blocks: PrintBlock[]
}

export const PAGE_SIZES = { A4: [210, 297], A5: [148, 210], letter: [215.9, 279.4] } as const
export const BLOCK_KINDS = ['field', 'table', 'text', 'image', 'code'] as const
export const MARGINS = ['top', 'right', 'bottom', 'left'] as const

function obj(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
}

export function printsOf(doc: unknown): PrintTemplate[] {
  const prints = obj(doc).prints
  if (!Array.isArray(prints)) return []
  return prints.map((raw, index) => {
    const p = obj(raw)
    return {
      index, key: String(p.key ?? ''), label: p.label as Label | undefined, form: String(p.form ?? ''),
      page: obj(p.page) as PrintPageSettings,
      blocks: Array.isArray(p.blocks) ? (p.blocks as PrintBlock[]) : [],
    }
  })
}

export function newPrint(key: string, label: Label, form: string): Record<string, unknown> {
  return { key, label, form, page: { size: 'A4', orientation: 'portrait' }, blocks: [] }
}

/** Ops adding a template, whether or not the draft has a `prints` section yet. */
export function addPrintOps(doc: unknown, value: unknown): Op[] {
  const prints = obj(doc).prints
  return Array.isArray(prints) ? [{ op: 'insert', path: ['prints', String(prints.length)], value }]
    : [{ op: 'set', path: ['prints'], value: [value] }]
}

export function newBlock(kind: string, field?: string): PrintBlock {
  switch (kind) {
    case 'field': return { kind, field: field ?? '', width: 'half' }
    case 'table': return { kind, field: field ?? '' }
    case 'image': return { kind, field: field ?? '' }
    case 'code': return field ? { kind, symbology: 'code128', source: 'field', field, width: 'half' }
      : { kind, symbology: 'qr', source: 'record_link', width: 'half' }
    default: return { kind: 'text', text: '' }
  }
}

export const blockPath = (template: number, block: number) => ['prints', String(template), 'blocks', String(block)]

/** The page's size in millimetres, turned for landscape. */
export function pageSize(page: PrintPageSettings): [number, number] {
  const [w, h] = PAGE_SIZES[page.size ?? 'A4']
  return page.orientation === 'landscape' ? [h, w] : [w, h]
}

export function margin(page: PrintPageSettings, side: (typeof MARGINS)[number]): number {
  return page.margins?.[side] ?? 15
}

export function rowsOf(blocks: readonly PrintBlock[]): number[][] {
  const rows: number[][] = []
  let row: number[] = []
  blocks.forEach((block, i) => {
    const half = (block.width ?? (block.kind === 'code' ? 'half' : 'full')) === 'half'
    if (row.length > 0 && (!half || row.length === 2)) {
      rows.push(row)
      row = []
    }
    row.push(i)
    if (!half) {
      rows.push(row)
      row = []
    }
  })
  if (row.length > 0) rows.push(row)
  return rows
}

/** Ops moving block `from` to position `to` (its index once moved). */
export function moveBlockOps(template: number, from: number, to: number): Op[] {
  return from === to ? [] : [{ op: 'move', from: blockPath(template, from), path: blockPath(template, to) }]
}

/** Where a problem at `path` (e.g. /prints/0/blocks/3/field) takes the person: the template's key and the block. */
export function printProblemTarget(doc: unknown, path: string): { key: string; block: number | null } | null {
  const match = /^\/prints\/(\d+)(?:\/blocks\/(\d+))?/.exec(path)
  if (!match) return null
  const template = printsOf(doc)[Number(match[1])]
  if (!template) return null
  return { key: template.key, block: match[2] === undefined ? null : Number(match[2]) }
}

// The forms of the draft as the print designer offers them, sub-tables with their columns.

export interface PrintField { key: string; kind: string; label?: Label; columns: PrintField[] }
export interface PrintForm { key: string; label?: Label; fields: PrintField[] }

export const IMAGE_KINDS = new Set(['image', 'attachment', 'signature'])

function fieldsOf(raw: unknown): PrintField[] {
  if (!Array.isArray(raw)) return []
  return raw.map((f: { key?: unknown; kind?: unknown; label?: Label; fields?: unknown }) => ({
    key: String(f.key ?? ''), kind: String(f.kind ?? ''), label: f.label, columns: fieldsOf(f.fields),
  }))
}

export function formFieldsOf(doc: unknown): PrintForm[] {
  const forms = (doc as { forms?: unknown }).forms
  if (!Array.isArray(forms)) return []
  return forms.map((f: { key?: unknown; label?: Label; fields?: unknown }) => ({
    key: String(f.key ?? ''), label: f.label, fields: fieldsOf(f.fields),
  }))
}
