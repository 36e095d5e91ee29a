import { describe, expect, it } from 'vitest'
import { sameValue, shapeOf, toApi, toWidget, writableValue } from '../../src/core/form/values'
import { registeredKinds } from '../../src/fields/registry'

// Every kind of GET /api/v1/catalog (dajian/engines/form: 41 kinds) with a value the record API
// answers for it: API → widget → API gives the value back.
const SAMPLES: Record<string, unknown> = {
  text: '投诉主题', long_text: '第一行\n第二行', email: 'a@example.com', phone: '13800000000', integer: 42,
  decimal: '12.50', boolean: true, date: '2026-05-20', datetime: '2026-05-20T10:00:00+08:00',
  single_select: 'P2', multi_select: ['refund', 'apology'], user: 7, department: 3, time: '09:30:00',
  year_month: '2026-05', date_range: { start: '2026-05-01', end: '2026-05-31' },
  location: { province: '浙江', city: '杭州', district: '', address: '文三路 1 号', lng: 120.1, lat: 30.2 },
  json: { a: [1, 2] }, tags: ['VIP', '加急'], cascade_select: ['product', 'screen', 'cracked'], multi_user: [7, 8],
  multi_department: [3], attachment: [{ id: 1, name: '合同.pdf', size: 10, mime: 'application/pdf', sha256: 'ab' }],
  image: [{ id: 2, name: 'a.png', size: 10, mime: 'image/png', sha256: 'cd' }], currency: '800.00', percent: '12.5',
  slider: '30', rating: 4, duration: 90, rich_text: '<p><b>粗体</b></p>', url: 'https://example.com', id_card: '110101199003074518',
  color: '#1f77b4', code: 'print(1)', ip_address: '10.0.0.1', signature: 'data:image/png;base64,AAAA', formula: '1.50',
  serial: 'TS20260520-0001', subtable: [{ item: '螺丝', qty: 2 }], relation: 12, lookup: 'gold',
}

describe('value ⇄ widget ⇄ API value', () => {
  it.each(Object.entries(SAMPLES))('%s keeps its value', (kind, value) => {
    expect(toApi(kind, toWidget(kind, value))).toEqual(value)
  })

  it('sends a cleared field as null (a sub-table as no rows)', () => {
    expect(toApi('text', '')).toBeNull()
    expect(toApi('multi_select', [])).toBeNull()
    expect(toApi('integer', null)).toBeNull()
    expect(toApi('decimal', '')).toBeNull()
    expect(toApi('subtable', [])).toEqual([])
    expect(toApi('relation', undefined)).toBeNull()
  })

  it('gives each widget what its control takes for an empty value', () => {
    expect(toWidget('text', null)).toBe('')
    expect(toWidget('cascade_select', null)).toEqual([])
    expect(toWidget('boolean', null)).toBe(false)
    expect(toWidget('currency', null)).toBeNull()
    expect(toWidget('user', '7')).toBe(7)
  })

  it('keeps decimals as text, exact', () => {
    expect(toApi('currency', toWidget('currency', '12345678901234.56'))).toBe('12345678901234.56')
  })

  it('counts a cleared field and a missing one as the same value', () => {
    expect(sameValue(null, undefined)).toBe(true)
    expect(sameValue([], null)).toBe(true)
    expect(sameValue('a', 'b')).toBe(false)
    expect(sameValue({ start: '2026-01-01', end: '2026-01-02' }, { start: '2026-01-01', end: '2026-01-02' })).toBe(true)
  })

  it('has a shape and a widget for every catalog kind', () => {
    const kinds = Object.keys(SAMPLES)
    expect(kinds).toHaveLength(41)
    expect(kinds.filter((k) => !registeredKinds().includes(k))).toEqual([])
    expect(kinds.filter((k) => shapeOf(k) === undefined)).toEqual(['formula', 'lookup'])
  })
})

describe('what a save sends of a sub-table', () => {
  const parts = { kind: 'subtable', fields: [{ key: 'name', kind: 'text' }, { key: 'qty', kind: 'integer' },
    { key: 'amount', kind: 'formula' }, { key: 'no', kind: 'serial' }] }
  it('drops the computed columns of each row and keeps the rest', () => {
    expect(writableValue(parts, [{ id: 7, name: '电机', qty: 2, amount: '900.00', no: 'P-1' }, { name: '皮带' }]))
      .toEqual([{ id: 7, name: '电机', qty: 2 }, { name: '皮带' }])
  })
  it('leaves other fields and blank rows alone', () => {
    expect(writableValue({ kind: 'formula' }, '12.00')).toBe('12.00')
    expect(writableValue(parts, null)).toBeNull()
    const plain = [{ name: 'x' }]
    expect(writableValue({ kind: 'subtable', fields: [{ key: 'name', kind: 'text' }] }, plain)).toBe(plain)
  })
})
