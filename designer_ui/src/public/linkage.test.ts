import { describe, expect, it } from 'vitest'
import { linkage } from './linkage'

const fields = [
  { key: 'expectation', kind: 'multi_select' },
  { key: 'amount', kind: 'decimal', visible_if: 'IN("compensation", expectation)' },
  { key: 'order_no', kind: 'text', required_if: { '!=': [{ var: 'channel' }, 'web'] } },
  { key: 'name', kind: 'text', required_if: 'LEN(order_no) > 3' },
]

describe('public linkage', () => {
  it('shows a field while its condition holds, as the user types', () => {
    const live = linkage(fields)
    expect(live.state({ expectation: ['exchange'] }).amount?.visible).toBe(false)
    expect(live.state({ expectation: ['exchange', 'compensation'] }).amount?.visible).toBe(true)
    expect(live.state({}).amount?.visible).toBe(false)
  })

  it('makes a field required by a condition over another field', () => {
    const live = linkage(fields)
    expect(live.state({ order_no: 'JD' }).name?.required).toBe(false)
    expect(live.state({ order_no: 'JD-2026' }).name?.required).toBe(true)
  })

  it('reads the values the server fixes, such as the channel', () => {
    expect(linkage(fields, { channel: 'web' }).state({}).order_no?.required).toBe(false)
    expect(linkage(fields, { channel: 'email' }).state({}).order_no?.required).toBe(true)
  })

  it('leaves a condition over a field the public form lacks to the server', () => {
    expect(linkage(fields).state({}).order_no).toEqual({ visible: true, required: false, readonly: false })
  })
})
