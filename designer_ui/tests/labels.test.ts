import { describe, expect, it } from 'vitest'
import { pickLabel } from '../src/core/labels'

describe('pickLabel', () => {
  it('prefers the locale, then Chinese, then any language, then the fallback', () => {
    expect(pickLabel({ 'zh-CN': '工单', en: 'Ticket' }, 'en')).toBe('Ticket')
    expect(pickLabel({ 'zh-CN': '工单', en: 'Ticket' }, 'zh-CN')).toBe('工单')
    expect(pickLabel({ 'zh-CN': '工单' }, 'en')).toBe('工单')
    expect(pickLabel({ en: 'Ticket' }, 'zh-CN')).toBe('Ticket')
    expect(pickLabel({}, 'en', 'ticket')).toBe('ticket')
    expect(pickLabel(null, 'en', 'ticket')).toBe('ticket')
  })
})
