import type { FormInstance } from 'antd'
import { ApiError } from '../api/client'

/** The server's errors on the fields they name (path "/subject" or "/records/0/subject"); true if any landed. */
export function showOnFields(form: FormInstance, error: unknown, keys: readonly string[]): boolean {
  if (!(error instanceof ApiError)) return false
  const byField = new Map<string, string[]>()
  for (const e of error.errors) {
    const key = e.path.split('/').filter(Boolean).pop() ?? ''
    if (keys.includes(key)) byField.set(key, [...(byField.get(key) ?? []), e.message])
  }
  form.setFields([...byField].map(([name, errors]) => ({ name, errors })))
  return byField.size > 0
}
