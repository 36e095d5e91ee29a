import { describe, expect, it } from 'vitest'
import { importBar } from '../../src/core/importProgress'

describe('importBar', () => {
  it('shows rows done of the server total', () => {
    expect(importBar({ state: 'running', done: 1000, total: 2500 }, 10)).toEqual({ percent: 40, done: 1000, total: 2500 })
  })
  it('falls back to the preview row count', () => {
    expect(importBar({ state: 'running', done: 0, total: null }, 300)).toEqual({ percent: 0, done: 0, total: 300 })
  })
  it('has no figure when the server does not know the run or nothing gives a total', () => {
    expect(importBar({ state: 'unknown', done: 0, total: null }, 300)).toBeNull()
    expect(importBar(undefined, 300)).toBeNull()
    expect(importBar({ state: 'running', done: 5, total: null }, null)).toBeNull()
  })
  it('never passes 100 %', () => {
    expect(importBar({ state: 'finished', done: 12, total: 10 }, null)?.percent).toBe(100)
  })
})
