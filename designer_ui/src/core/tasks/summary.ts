/**
 * The lines an inbox row shows under its record: the values of the fields the task's step lists as
 * visible (an approval's amount and solution), labelled and formatted as a list cell would be.
 */
import { cellParts, type CellColumn, type CellNames } from '../cellText'
import { pickLabel, type Label } from '../labels'

export interface SummaryColumn extends CellColumn {
  label: Label
}

export interface SummaryLine {
  key: string
  label: string
  text: string
}

/** `[{key: "compensation_amount", label: "补偿金额", text: "800.00"}]`, in the form's field order; fields
 * the columns do not know (the reader may not read them) and empty values are left out. */
export function summaryLines(
  columns: readonly SummaryColumn[],
  summary: Record<string, unknown> | null | undefined,
  names: CellNames,
  lang: string,
): SummaryLine[] {
  if (!summary) return []
  const lines: SummaryLine[] = []
  for (const column of columns) {
    if (!(column.key in summary)) continue
    const text = cellParts(column, summary, names, lang).map((part) => part.text).join(', ')
    if (text) lines.push({ key: column.key, label: pickLabel(column.label, lang, column.key), text })
  }
  return lines
}
