/**
 * Where a dashboard widget sits on the definition's grid (`columns` wide, widget x/y/w/h in grid units),
 * as CSS grid lines; clamped so a widget never reaches past the last column.
 *
 *   gridArea({ x: 6, y: 2, w: 6, h: 4 }, 12) → { column: '7 / span 6', row: '3 / span 4' }
 */
export interface Placed {
  x: number
  y: number
  w: number
  h: number
}

export function gridArea(widget: Placed, columns: number): { column: string; row: string } {
  const width = Math.max(1, Math.min(columns, Math.round(widget.w) || 1))
  const x = Math.max(0, Math.min(columns - width, Math.round(widget.x) || 0))
  const y = Math.max(0, Math.round(widget.y) || 0)
  const h = Math.max(1, Math.round(widget.h) || 1)
  return { column: `${x + 1} / span ${width}`, row: `${y + 1} / span ${h}` }
}
