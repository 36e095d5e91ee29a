import { describe, expect, it } from 'vitest'
import { gridArea } from '../src/core/dashboard/grid'

describe('gridArea', () => {
  it('puts a widget at its x/y with its w/h', () => {
    expect(gridArea({ x: 6, y: 2, w: 6, h: 4 }, 12)).toEqual({ column: '7 / span 6', row: '3 / span 4' })
    expect(gridArea({ x: 0, y: 0, w: 12, h: 2 }, 12)).toEqual({ column: '1 / span 12', row: '1 / span 2' })
  })
  it('keeps a widget inside the grid', () => {
    expect(gridArea({ x: 10, y: 0, w: 6, h: 1 }, 12)).toEqual({ column: '7 / span 6', row: '1 / span 1' })
    expect(gridArea({ x: -1, y: -3, w: 40, h: 0 }, 12)).toEqual({ column: '1 / span 12', row: '1 / span 1' })
  })
})
