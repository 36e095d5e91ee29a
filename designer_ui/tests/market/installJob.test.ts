import { describe, expect, it } from 'vitest'
import { finished, jobBar, jobSteps, tableName } from '../../src/core/market/installJob'

describe('install job', () => {
  it('has no figure until a worker starts it', () => {
    expect(jobBar({ state: 'queued', progress: null })).toBeNull()
    expect(finished({ state: 'queued', progress: null })).toBe(false)
  })

  it('counts steps done of the steps planned and names what the step works on', () => {
    const bar = jobBar({ state: 'running', progress: { done: 2, total: 5, step: 'table', params: { form: 'ticket' } } })
    expect(bar).toEqual({ percent: 40, done: 2, total: 5, step: 'table', form: 'ticket', count: null })
    const seeding = jobBar({ state: 'running', progress: { done: 6, total: 7, step: 'seed_records', params: { form: 'ticket', count: 2 } } })
    expect(seeding?.count).toBe(2)
    expect(seeding?.percent).toBe(85)
  })

  it('is full when it succeeded and keeps the failed step when it failed', () => {
    expect(jobBar({ state: 'succeeded', progress: { done: 5, total: 5, step: null } })?.percent).toBe(100)
    const failed = jobBar({ state: 'failed', progress: { done: 6, total: 7, step: 'seed_records', params: {} } })
    expect(failed?.step).toBe('seed_records')
    expect(finished({ state: 'failed', progress: null })).toBe(true)
  })

  it('drops a step name it does not know', () => {
    expect(jobBar({ state: 'running', progress: { done: 0, total: 3, step: 'format_disk' } })?.step).toBeNull()
  })

  it('lists the planned steps with where each stands', () => {
    const plan = [
      { step: 'check', params: {} },
      { step: 'table', params: { form: 'ticket' } },
      { step: 'roles', params: {} },
      { step: 'seed_records', params: { form: 'ticket', count: 2 } },
    ]
    const running = jobSteps({ state: 'running', progress: { done: 2, total: 4, step: 'roles', plan } })
    expect(running.map((s) => s.status)).toEqual(['finish', 'finish', 'process', 'wait'])
    expect(running[1]).toEqual({ step: 'table', form: 'ticket', count: null, status: 'finish' })
    expect(running[3]?.count).toBe(2)
    const failed = jobSteps({ state: 'failed', progress: { done: 3, total: 4, step: 'seed_records', plan } })
    expect(failed.map((s) => s.status)).toEqual(['finish', 'finish', 'finish', 'error'])
    const done = jobSteps({ state: 'succeeded', progress: { done: 4, total: 4, step: null, plan } })
    expect(done.every((s) => s.status === 'finish')).toBe(true)
    expect(jobSteps({ state: 'queued', progress: null })).toEqual([])
  })

  it('names tables by their form', () => {
    expect(tableName('repair_order', { repair_order: '报修工单' })).toBe('报修工单')
    expect(tableName('repair_order__parts', { repair_order: '报修工单' })).toBe('报修工单 · parts')
    expect(tableName('other', {})).toBe('other')
  })
})
