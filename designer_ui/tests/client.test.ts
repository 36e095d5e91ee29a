import { describe, expect, it } from 'vitest'
import { ApiError, makeClient, readCookie, unwrap } from '../src/api/client'

function recordingFetch(status = 200, body: unknown = {}) {
  const seen: Request[] = []
  const fetchImpl = async (input: RequestInfo | URL, init?: RequestInit) => {
    seen.push(input instanceof Request ? input : new Request(input, init))
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
  }
  return { seen, fetchImpl: fetchImpl as typeof fetch }
}

describe('readCookie', () => {
  it('finds a cookie among others and decodes it', () => {
    expect(readCookie('dajian_csrf', 'a=1; dajian_csrf=x%3Dy; b=2')).toBe('x=y')
    expect(readCookie('dajian_csrf', 'a=1')).toBeNull()
  })
})

describe('the client', () => {
  it('sends the CSRF cookie back as X-CSRF-Token on unsafe requests only', async () => {
    Object.defineProperty(globalThis, 'document', { value: { cookie: 'dajian_csrf=tok123' }, configurable: true })
    try {
      const { seen, fetchImpl } = recordingFetch(200)
      const client = makeClient('http://dajian.test', fetchImpl)
      await client.POST('/api/v1/auth/logout')
      await client.GET('/api/v1/auth/me')
      expect(seen[0]?.headers.get('X-CSRF-Token')).toBe('tok123')
      expect(seen[1]?.headers.get('X-CSRF-Token')).toBeNull()
    } finally {
      Reflect.deleteProperty(globalThis, 'document')
    }
  })

  it('turns the server error body into an ApiError with its message and field errors', async () => {
    const body = { code: 'invalid', detail: 'user is not valid', errors: [{ path: '/password', message: 'too short' }] }
    const { fetchImpl } = recordingFetch(422, body)
    const client = makeClient('http://dajian.test', fetchImpl)
    const result = await client.GET('/api/v1/auth/me')
    expect(() => unwrap(result)).toThrowError('user is not valid')
    try {
      unwrap(result)
    } catch (error) {
      expect(error).toBeInstanceOf(ApiError)
      expect((error as ApiError).status).toBe(422)
      expect((error as ApiError).errors).toEqual([{ path: '/password', message: 'too short' }])
    }
  })
})
