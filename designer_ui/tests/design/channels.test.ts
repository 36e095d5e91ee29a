import { describe, expect, it } from 'vitest'
import { addChannel, channelProblems, channelsOf, mapRows, newChannel, removeChannel, rowsToMap, setChannel, setChannelForm }
  from '../../src/core/design/channels'
import { applyOps } from '../../src/core/design/ops'

const fields = [{ key: 'amount', kind: 'decimal' }, { key: 'subject', kind: 'text' }]
const doc = {
  forms: [{ key: 'ticket', fields }],
  rules: [{ key: 'web', kind: 'public_form', form: 'ticket', fields: ['subject'] }, { key: 'notify_me', on: [] }],
}

describe('the app channels in the draft', () => {
  it('lists only the channel kinds, where they stand in rules', () => {
    expect(channelsOf(doc).map((c) => [c.index, c.doc.key])).toEqual([[0, 'web']])
    expect(channelsOf({})).toEqual([])
  })

  it('makes a new channel valid as made, under a key no rule or channel has', () => {
    const web = newChannel(doc, 'public_form', 'ticket', fields, { 'zh-CN': '网页' })
    expect(web).toEqual({ key: 'web_1', kind: 'public_form', label: { 'zh-CN': '网页' }, form: 'ticket', fields: ['subject'],
      status_lookup: false })  // no serial number on the form to look up
    expect(newChannel(doc, 'public_form', 'ticket', [...fields, { key: 'no', kind: 'serial' }], {}).status_lookup).toBeUndefined()
    expect(newChannel(doc, 'inbound_webhook', 'ticket', fields, {}).map).toEqual({ subject: 'subject' })
    expect(newChannel(doc, 'inbound_email', 'ticket', fields, {}).subject_field).toBe('subject')
  })

  it('adds, sets, unsets and removes through ops', () => {
    const added = applyOps(doc, addChannel(doc, newChannel(doc, 'inbound_email', 'ticket', fields, {})))
    const mail = channelsOf(added)[1]!
    expect(mail.index).toBe(2)
    const addressed = applyOps(added, setChannel(mail, 'address', 'help@example.com'))
    expect(channelsOf(addressed)[1]!.doc.address).toBe('help@example.com')
    const web = channelsOf(addressed)[0]!
    const unset = applyOps(addressed, setChannel(web, 'fields', undefined))
    expect('fields' in channelsOf(unset)[0]!.doc).toBe(false)
    const removed = applyOps(addressed, removeChannel(web))
    expect(channelsOf(removed).map((c) => c.doc.key)).toEqual(['mailbox'])
    expect(applyOps({}, addChannel({}, web.doc))).toEqual({ rules: [web.doc] })
  })

  it('a new form clears the old form\'s fields but keeps the key, label and address', () => {
    const mail = { index: 0, doc: { key: 'm', kind: 'inbound_email' as const, label: { en: 'M' }, form: 'ticket',
      address: 'a@b.c', subject_field: 'subject', body_field: 'amount' } }
    const [op] = setChannelForm(mail, 'other', [{ key: 'title', kind: 'text' }])
    expect(op).toEqual({ op: 'set', path: ['rules', '0'], value: { key: 'm', kind: 'inbound_email', label: { en: 'M' },
      address: 'a@b.c', form: 'other', subject_field: 'title' } })
  })

  it('a webhook map round-trips through rows, empty fields dropped', () => {
    const rows = mapRows({ key: 'w', kind: 'inbound_webhook', map: { subject: 'ticket.title', amount: 'order.amount' } })
    expect(rows).toEqual([{ field: 'subject', path: 'ticket.title' }, { field: 'amount', path: 'order.amount' }])
    expect(rowsToMap([...rows, { field: '', path: 'x' }])).toEqual({ subject: 'ticket.title', amount: 'order.amount' })
  })
})

describe('a channel\'s problems', () => {
  it('are the ones under its place in rules, named by setting', () => {
    const channel = { index: 1, doc: { key: 'web', kind: 'public_form' as const } }
    const problems = [{ path: '/rules/1/status_lookup', message: 'needs a serial' }, { path: '/rules/10/form', message: 'x' },
      { path: '/rules/1', message: 'whole' }, { path: '/forms/0', message: 'y' }]
    expect(channelProblems(channel, problems)).toEqual([{ setting: 'status_lookup', message: 'needs a serial' },
      { setting: '', message: 'whole' }])
  })
})
