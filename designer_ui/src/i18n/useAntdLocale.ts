import type { Locale as AntdLocale } from 'antd/es/locale'
import zhCN from 'antd/es/locale/zh_CN'
import { useEffect, useState } from 'react'

// zh-CN is the default language and comes with the entry; English loads when someone switches to it.
// (antd/es/…, not antd/locale/…: the latter is CommonJS and drags antd/lib copies of the locale files along.)
let english: AntdLocale | null = null

/** antd's texts (pagination, pickers, empty states) for the UI language. */
export function useAntdLocale(language: string): AntdLocale {
  const [, setLoaded] = useState(english)
  useEffect(() => {
    if (language !== 'en' || english) return
    let live = true
    void import('antd/es/locale/en_US').then((module) => {
      english = module.default
      if (live) setLoaded(english)
    })
    return () => {
      live = false
    }
  }, [language])
  return language === 'en' && english ? english : zhCN
}
