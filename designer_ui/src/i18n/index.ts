import i18n from 'i18next'
import { initReactI18next } from 'react-i18next'
import { setReasonText } from '../api/client'
import en from './en.json'
import zhCN from './zh-CN.json'

// Each area of the app keeps its own catalogue, locales/<lang>/<area>.json, read as t('<area>.key'),
// so areas built side by side never edit the same file. Areas load with the pages that use them (see
// loadAreas), in the current language only: the sign-in screen does not carry the designer's texts.
const areaFiles = import.meta.glob<Record<string, unknown>>('./locales/*/*.json', { import: 'default' })

const wantedAreas = new Set<string>()
const areaLoads = new Map<string, Promise<void>>()
// the language being switched to while its catalogues load (applyLocale), else the current one
let targetLocale: string | null = null

function loadArea(lang: string, area: string): Promise<void> {
  const id = `${lang}/${area}`
  let loading = areaLoads.get(id)
  if (!loading) {
    const read = areaFiles[`./locales/${id}.json`]
    loading = read
      ? read().then((catalogue) => {
          i18n.addResourceBundle(lang, 'translation', { [area]: catalogue }, true, true)
        })
      : Promise.resolve()
    areaLoads.set(id, loading)
  }
  return loading
}

/** Loads the catalogues of these areas in the current language (and, later, in any language switched to). */
export function loadAreas(...areas: string[]): Promise<void> {
  for (const area of areas) wantedAreas.add(area)
  const langs = new Set([i18n.language || storedLocale(), targetLocale ?? storedLocale()])
  return Promise.all([...langs].flatMap((lang) => areas.map((area) => loadArea(lang, area)))).then(() => undefined)
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
  if (i18n.language !== locale) {
    targetLocale = locale
    // the texts of the pages already open come first, so nothing shows a bare key after the switch
    void Promise.all([...wantedAreas].map((area) => loadArea(locale, area))).then(() => {
      if (targetLocale === locale) void i18n.changeLanguage(locale)
    })
  }
}

void i18n.use(initReactI18next).init({
  resources: {
    'zh-CN': { translation: zhCN },
    en: { translation: en },
  },
  lng: storedLocale(),
  fallbackLng: DEFAULT_LOCALE,
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
  // a catalogue that arrives after a component rendered re-renders it
  react: { bindI18nStore: 'added' },
})

// a refusal's reason code from the server, in the reader's language (the server's detail stays English)
setReasonText((reason, params) => (i18n.exists(`denied.${reason}`) ? i18n.t(`denied.${reason}`, params) : null))

export default i18n
