import i18n from 'i18next'
import { initReactI18next } from 'react-i18next'
import en from './en.json'
import zhCN from './zh-CN.json'

// Each area of the app keeps its own catalogue, locales/<lang>/<area>.json, read as t('<area>.key'),
// so areas built side by side never edit the same file.
const areaFiles = import.meta.glob<{ default: Record<string, unknown> }>('./locales/*/*.json', { eager: true })

function withAreas(base: Record<string, unknown>, lang: string): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base }
  for (const [path, module] of Object.entries(areaFiles)) {
    const match = /\.\/locales\/([^/]+)\/([^/]+)\.json$/.exec(path)
    const [, fileLang, area] = match ?? []
    if (area && fileLang === lang) merged[area] = module.default
  }
  return merged
}

export const LOCALES = ['zh-CN', 'en'] as const
export type Locale = (typeof LOCALES)[number]
export const DEFAULT_LOCALE: Locale = 'zh-CN'
// Each language named in itself, whatever the page's language: someone who cannot read the current
// one still finds their own. Not in the catalogues for that reason.
export const LOCALE_NAMES: Record<Locale, string> = { 'zh-CN': '中文', en: 'English' }
// Before sign-in the last language chosen on this browser; after it, the user's own (server side).
const STORAGE_KEY = 'dajian.locale'

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value)
}

export function storedLocale(): Locale {
  try {
    const value = globalThis.localStorage?.getItem(STORAGE_KEY)
    return isLocale(value) ? value : DEFAULT_LOCALE
  } catch {
    return DEFAULT_LOCALE
  }
}

export function applyLocale(locale: Locale): void {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, locale)
  } catch {
    // private mode: the language still changes for this page
  }
  if (globalThis.document) document.documentElement.lang = locale
  if (i18n.language !== locale) void i18n.changeLanguage(locale)
}

void i18n.use(initReactI18next).init({
  resources: {
    'zh-CN': { translation: withAreas(zhCN, 'zh-CN') },
    en: { translation: withAreas(en, 'en') },
  },
  lng: storedLocale(),
  fallbackLng: DEFAULT_LOCALE,
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
})

export default i18n
