// A file sent as the raw request body with upload progress (fetch cannot report it), the session's CSRF
// header, and the server's error body as an ApiError.
import { ApiError, CSRF_COOKIE, CSRF_HEADER, readCookie } from '../api/client'

export function uploadRaw<T>(url: string, file: Blob, onProgress: (percent: number) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const request = new XMLHttpRequest()
    request.open('POST', url)
    request.withCredentials = true
    request.setRequestHeader('Content-Type', file.type || 'application/octet-stream')
    const csrf = readCookie(CSRF_COOKIE)
    if (csrf) request.setRequestHeader(CSRF_HEADER, csrf)
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(Math.round((100 * event.loaded) / event.total))
    }
    request.onload = () => {
      let body: unknown = {}
      try {
        body = JSON.parse(request.responseText) as unknown
      } catch {
        // a proxy's HTML error page: the status says enough
      }
      if (request.status >= 200 && request.status < 300) resolve(body as T)
      else reject(new ApiError(request.status, body))
    }
    request.onerror = () => reject(new ApiError(0, { detail: 'network error' }))
    request.send(file)
  })
}
