/**
 * The complaint template as one app document, assembled from its folder as the server's
 * `dajian/platform/templates.py::assemble` does (app.json, then each section's files in manifest order).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

export const TEMPLATE_DIR = join(__dirname, '..', '..', '..', 'app_templates', 'complaint_management')
const SECTIONS = ['forms', 'flows', 'rules', 'reports', 'dashboards', 'pages', 'roles', 'prints']

export const readText = (name: string): string => readFileSync(join(TEMPLATE_DIR, name), 'utf-8')

type Files = Record<string, string | string[]>

export function manifestFiles(): Files {
  return (JSON.parse(readText('manifest.json')) as { files: Files }).files
}

const names = (files: Files, section: string): string[] => {
  const value = files[section] ?? []
  return typeof value === 'string' ? [value] : value
}

export function assembleTemplate(): Record<string, unknown> {
  const files = manifestFiles()
  const doc = JSON.parse(readText(String(files.app))) as Record<string, unknown>
  for (const section of SECTIONS) {
    const elements = [...((doc[section] as unknown[] | undefined) ?? [])]
    for (const name of names(files, section)) {
      const loaded: unknown = JSON.parse(readText(name))
      elements.push(...(Array.isArray(loaded) ? loaded : [loaded]))
    }
    if (elements.length > 0 || section in doc) doc[section] = elements
  }
  const trees = { ...((doc.trees as object | undefined) ?? {}) }
  for (const name of names(files, 'trees')) Object.assign(trees, JSON.parse(readText(name)))
  if (Object.keys(trees).length > 0) doc.trees = trees
  return doc
}

/** The section files of the template with the elements they hold, to compare a saved draft against. */
export function sectionFiles(): { section: string; name: string; count: number }[] {
  const files = manifestFiles()
  return SECTIONS.flatMap((section) => names(files, section).map((name) => {
    const loaded: unknown = JSON.parse(readText(name))
    return { section, name, count: Array.isArray(loaded) ? loaded.length : 1 }
  }))
}
