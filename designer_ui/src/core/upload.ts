/**
 * A raw-body file upload (the server's upload routes read the file as the request body, named in
 * `X-Filename`) through XMLHttpRequest, because fetch cannot report upload progress.
 *
 *   uploadRaw('/api/v1/public/acme/app/forms/f/fields/photos/files', file, (p) => show(p))
 *     → resolves with the JSON answer; rejects with UploadError(status, detail, errors)
 */

export interface UploadProblem {
  path?: string
  message: string
}

export class UploadError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly problems: UploadProblem[] = [],
  ) {
    super(message)
  }
}

export function uploadRaw(
  url: string,
  file: File,
  onProgress: (percent: number) => void,
  headers: Record<string, string> = {},
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', url)
    xhr.setRequestHeader('X-Filename', encodeURIComponent(file.name))
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream')
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value)
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(Math.round((e.loaded / e.total) * 100))
    }
    xhr.onload = () => {
      let body: { detail?: string; errors?: UploadProblem[] } = {}
      try {
        body = JSON.parse(xhr.responseText) as typeof body
      } catch {
        /* not JSON: a proxy's error page */
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(100)
        resolve(body)
      } else reject(new UploadError(xhr.status, body.detail ?? `HTTP ${xhr.status}`, body.errors ?? []))
    }
    xhr.onerror = () => reject(new UploadError(0, 'network'))
    xhr.send(file)
  })
}

/** "48.2 KB" — a file size for people. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}
