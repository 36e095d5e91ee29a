import { Typography } from 'antd'
import type { ReactNode } from 'react'
import { applyLocale } from '../i18n'
import { LanguageSwitch } from '../shell/LanguageSwitch'

/** The phone-first frame of every public page: a title bar with the language menu and one column. */
export function PublicFrame({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="public-page">
      <header className="public-header">
        <Typography.Title level={1} className="public-title">
          {title}
        </Typography.Title>
        <LanguageSwitch onChange={applyLocale} />
      </header>
      <main className="public-main">{children}</main>
    </div>
  )
}
