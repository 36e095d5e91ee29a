import { describe, expect, it } from 'vitest'
import { printJobBar, printJobFileUrl, printJobFinished, type PrintJob } from '../src/core/print/printJob'

const job = (over: Partial<PrintJob>): PrintJob => ({
  id: 7, template: 'sheet', count: 40, state: 'queued', progress: null, file: null, pages: null, error: null,
  created_at: '2026-12-05T01:00:00Z', finished_at: null, ...over,
})

describe('a print job', () => {
  it('shows nothing done while queued', () => {
    expect(printJobBar(job({}))).toEqual({ done: 0, count: 40, percent: 0 })
    expect(printJobFinished(job({}))).toBe(false)
    expect(printJobFileUrl(job({}))).toBeNull()
  })

  it('counts the records rendered, never 100 % before the file is there', () => {
    const running = job({ state: 'running', progress: { done: 3, total: 4, step: 'records', params: { done: 30, count: 40 }, plan: [] } })
    expect(printJobBar(running)).toEqual({ done: 30, count: 40, percent: 75 })
    const last = job({ state: 'running', progress: { done: 4, total: 4, step: 'records', params: { done: 40, count: 40 }, plan: [] } })
    expect(printJobBar(last).percent).toBe(99)
  })

  it('offers the file once it succeeded', () => {
    const done = job({ state: 'succeeded', file: { id: 12, name: 'a.pdf', size: 10, mime: 'application/pdf', sha256: 'x' }, pages: 40 })
    expect(printJobFinished(done)).toBe(true)
    expect(printJobBar(done).percent).toBe(100)
    expect(printJobFileUrl(done)).toBe('/api/v1/files/12')
  })

  it('ends without a file when it failed', () => {
    const failed = job({ state: 'failed', error: { code: 'not_found', detail: 'no record 3', errors: [] } })
    expect(printJobFinished(failed)).toBe(true)
    expect(printJobFileUrl(failed)).toBeNull()
  })
})
