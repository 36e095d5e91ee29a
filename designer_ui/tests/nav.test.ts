import { describe, expect, it } from 'vitest'
import { safeNext } from '../src/core/nav'

describe('safeNext', () => {
  it('keeps paths of this site', () => {
    expect(safeNext('/a/tickets?x=1')).toBe('/a/tickets?x=1')
  })
  it('refuses other origins and missing values', () => {
    for (const next of ['//evil.example/x', '/\\evil.example', 'https://evil.example', 'javascript:alert(1)', '', null]) {
      expect(safeNext(next)).toBe('/')
    }
  })
})
