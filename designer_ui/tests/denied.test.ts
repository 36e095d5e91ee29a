import { describe, expect, it } from 'vitest'
import en from '../src/i18n/en.json'
import zhCN from '../src/i18n/zh-CN.json'
import { ApiError } from '../src/api/client'
import i18n from '../src/i18n'

// every reason code the server may answer with (dajian/platform/errors.py ForbiddenReason), as the
// server's contract lists them: the Python test checks this file against the server's list
import reasons from './denied_reasons.json'

describe('refusals in the reader\'s language', () => {
  it('has words for every reason in both languages', () => {
    for (const reason of reasons) {
      expect((en as Record<string, string>)[`denied.${reason}`], reason).toBeTruthy()
      expect((zhCN as Record<string, string>)[`denied.${reason}`], reason).toBeTruthy()
    }
  })

  it('words an ApiError by its reason code with its params, not by the English detail', async () => {
    await i18n.changeLanguage('zh-CN')
    const body = { code: 'forbidden', detail: 'you may not write these fields', reason: 'fields_not_writable', params: { fields: 'amount' } }
    expect(new ApiError(403, body).message).toBe('你无权修改这些字段：amount')
    await i18n.changeLanguage('en')
    expect(new ApiError(403, body).message).toBe('You may not change these fields: amount')
    const unknown = new ApiError(403, { ...body, reason: 'from_the_future' })
    expect(unknown.message).toBe('you may not write these fields')
    expect(new ApiError(404, { detail: 'no such record' }).message).toBe('no such record')
  })
})
