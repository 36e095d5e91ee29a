import { expect, test } from 'vitest'
import { cellParts } from '../../src/core/cellText'

const names = { users: { '7': '王芳' }, departments: { '3': '客服部' } }
const status = {
  key: 'status',
  kind: 'single_select',
  options: [{ value: 'open', label: { 'zh-CN': '处理中', en: 'Open' }, color: '#ff0000' }],
}

test('options show their label in the language and their colour', () => {
  expect(cellParts(status, { status: 'open' }, names, 'en')).toEqual([{ text: 'Open', color: '#ff0000' }])
  expect(cellParts(status, { status: 'open' }, names, 'zh-CN')).toEqual([{ text: '处理中', color: '#ff0000' }])
  expect(cellParts(status, { status: 'gone' }, names, 'en')).toEqual([{ text: 'gone' }])
})

test('relations, users and departments show names, not ids', () => {
  expect(cellParts({ key: 'customer', kind: 'relation' }, { customer: 5, _display: { customer: '李雷' } }, names, 'en')).toEqual([{ text: '李雷' }])
  expect(cellParts({ key: 'owner', kind: 'user' }, { owner: 7 }, names, 'en')).toEqual([{ text: '王芳' }])
  expect(cellParts({ key: 'owner', kind: 'user' }, { owner: 8 }, names, 'en')).toEqual([{ text: '#8' }])
  expect(cellParts({ key: 'dept', kind: 'department' }, { dept: 3 }, names, 'en')).toEqual([{ text: '客服部' }])
})

test('empty values show nothing; date-times to the minute', () => {
  expect(cellParts({ key: 'a', kind: 'text' }, { a: null }, names, 'en')).toEqual([])
  expect(cellParts({ key: 'a', kind: 'datetime' }, { a: '2024-03-15T08:30:00Z' }, names, 'en')).toEqual([{ text: '2024-03-15 08:30' }])
})
