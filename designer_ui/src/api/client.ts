// The one HTTP client of the UI: openapi-fetch typed by the generated schema.d.ts.
//
// Browsers authenticate with the HttpOnly session cookie the server sets at login; every unsafe
// request must also echo the readable CSRF cookie in X-CSRF-Token (dajian/platform/api/auth.py).
import createClient, { type Middleware } from 'openapi-fetch'
import type { paths } from './schema'

export const CSRF_COOKIE = 'dajian_csrf'
export const CSRF_HEADER = 'X-CSRF-Token'
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE'])

export interface FieldError {
  path: string
  message: string
}

/** Words a refusal's reason code (403 `reason` + `params`) in the page's language; null: no words for it. */
export type ReasonText = (reason: string, params: Record<string, string>) => string | null

let reasonText: ReasonText = () => null

/** Set once by the i18n setup, so every ApiError of a refusal reads in the reader's language. */
export function setReasonText(words: ReasonText): void {
  reasonText = words
}

/**
 * The server's error body (ErrorBody in the OpenAPI document), with the HTTP status. A refusal that
 * names its `reason` gets its message from the catalogue (`denied.<reason>`); `detail` (English) is
 * the message otherwise.
 */
export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly errors: FieldError[]
  readonly reason: string | null
  readonly params: Record<string, string>
  readonly detail: string

  constructor(status: number, body: unknown) {
    const parsed = (typeof body === 'object' && body !== null ? body : {}) as {
      code?: unknown
      detail?: unknown
      errors?: unknown
      reason?: unknown
      params?: unknown
    }
    const detail = typeof parsed.detail === 'string' ? parsed.detail : `HTTP ${status}`
    const reason = typeof parsed.reason === 'string' ? parsed.reason : null
    const params = typeof parsed.params === 'object' && parsed.params !== null ? (parsed.params as Record<string, string>) : {}
    super((reason && reasonText(reason, params)) || detail)
    this.name = 'ApiError'
    this.status = status
    this.code = typeof parsed.code === 'string' ? parsed.code : 'http_error'
    this.errors = Array.isArray(parsed.errors) ? (parsed.errors as FieldError[]) : []
    this.reason = reason
    this.params = params
    this.detail = detail
  }
}

export function readCookie(name: string, cookies: string = globalThis.document?.cookie ?? ''): string | null {
  for (const part of cookies.split(';')) {
    const [key, ...rest] = part.trim().split('=')
    if (key === name) return decodeURIComponent(rest.join('='))
  }
  return null
}

export const csrfMiddleware: Middleware = {
  onRequest({ request }) {
    if (!SAFE_METHODS.has(request.method.toUpperCase())) {
      const token = readCookie(CSRF_COOKIE)
      if (token) request.headers.set(CSRF_HEADER, token)
    }
    return request
  },
}

export function makeClient(baseUrl = '', fetchImpl?: typeof fetch) {
  const client = createClient<paths>({
    baseUrl,
    credentials: 'same-origin',
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  })
  client.use(csrfMiddleware)
  return client
}

export const api = makeClient()

/** The data of an openapi-fetch result, or an ApiError carrying the server's message. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok && result.error === undefined) return result.data as T
  throw new ApiError(result.response.status, result.error)
}
