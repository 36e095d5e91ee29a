// Area catalogues load with the lazy pages that declare them (src/App.tsx: lazyPage(…, 'Name', ['area', …])).
// A page that renders t('<area>.…') from a catalogue nobody loaded would show the bare key: every area a page's
// modules use (statically or through their own lazy parts) must be declared on the page or its parent route.
import { readFileSync, existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const SRC = resolve(__dirname, '../../src')
const AREAS = new Set(['admin', 'appsettings', 'dashboard', 'designer', 'fields', 'formula', 'header', 'inbox', 'install', 'list', 'market', 'print', 'public', 'record', 'roles', 'side'])

function resolveModule(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null
  const base = resolve(dirname(from), spec)
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')]) {
    if (existsSync(candidate) && /\.tsx?$/.test(candidate)) return candidate
  }
  return null
}

/** Every area read by `file` and the modules it imports, statically or with import(). */
function areasUsed(file: string, seen = new Set<string>()): Set<string> {
  const used = new Set<string>()
  if (seen.has(file) || file.endsWith(join('src', 'App.tsx'))) return used
  seen.add(file)
  const text = readFileSync(file, 'utf8')
  for (const m of text.matchAll(/\bt\(\s*['"`]([a-z]+)\./g)) if (m[1] && AREAS.has(m[1])) used.add(m[1])
  // a lazy part that loads its own catalogues beside its code (Promise.all([import('./X'), loadAreas('a')]))
  // needs them from nobody else
  const loadedWith = new Map<string, Set<string>>()
  for (const m of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)\s*,\s*loadAreas\(([^)]*)\)/g)) {
    loadedWith.set(m[1] ?? '', new Set([...(m[2] ?? '').matchAll(/'([a-z]+)'/g)].map((a) => a[1] ?? '')))
  }
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
    const target = m[1] ? resolveModule(file, m[1]) : null
    const own = loadedWith.get(m[1] ?? '') ?? new Set<string>()
    if (target) for (const area of areasUsed(target, seen)) if (!own.has(area)) used.add(area)
  }
  return used
}

interface Page { name: string; module: string; areas: string[] }

function pages(): Page[] {
  const app = readFileSync(join(SRC, 'App.tsx'), 'utf8')
  return [...app.matchAll(/const (\w+) = lazyPage\(\(\) => import\('([^']+)'\), '\w+'(?:, \[([^\]]*)\])?\)/g)].map((m) => ({
    name: m[1] ?? '',
    module: resolveModule(join(SRC, 'App.tsx'), m[2] ?? '') ?? '',
    areas: [...(m[3] ?? '').matchAll(/'([a-z]+)'/g)].map((a) => a[1] ?? ''),
  }))
}

describe('i18n areas', () => {
  it('finds the lazy pages', () => {
    expect(pages().map((p) => p.name)).toEqual(expect.arrayContaining(['AppShell', 'FormListPage', 'RecordPage', 'DesignerPage']))
  })
  // the signed-in pages render inside AppShell, which loads its own areas
  const shell = pages().find((p) => p.name === 'AppShell')?.areas ?? []
  for (const page of pages()) {
    it(`${page.name} declares every area it uses`, () => {
      const declared = new Set([...page.areas, ...(page.name === 'PublicRoutes' ? [] : shell)])
      expect([...areasUsed(page.module)].filter((a) => !declared.has(a)).sort()).toEqual([])
    })
  }
})
