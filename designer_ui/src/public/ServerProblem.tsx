import type { ApiError } from '../api/client'

/** The server's message, plus the problems it found outside the fields on the page. */
export function ServerProblem({ error, shown }: { error: ApiError; shown: readonly string[] }) {
  const elsewhere = error.errors.filter((e) => !shown.includes(e.path.split('/').filter(Boolean).pop() ?? ''))
  return (
    <>
      {error.message}
      {elsewhere.length > 0 && (
        <ul>
          {elsewhere.map((e) => (
            <li key={`${e.path}-${e.message}`}>{e.message}</li>
          ))}
        </ul>
      )}
    </>
  )
}
