import { SearchOutlined } from '@ant-design/icons'
import { Empty, Input, type InputRef, Popover, Spin, Typography } from 'antd'
import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useNavigate } from 'react-router'
import { pickLabel } from '../core/labels'
import { useNavigation } from '../runtime/useNavigation'
import { useGlobalSearch } from './useGlobalSearch'

function typingInField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)
}

/** The app's full-text search: `/` focuses it, Enter searches every form I may read, results open the record. */
export function GlobalSearch({ app }: { app: string }) {
  const { t, i18n } = useTranslation()
  const navigate = useNavigate()
  const input = useRef<InputRef>(null)
  const [text, setText] = useState('')
  const [q, setQ] = useState('')
  const [open, setOpen] = useState(false)
  const nav = useNavigation(app)
  const forms = nav.data?.forms ?? []
  const search = useGlobalSearch(app, forms, q)

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === '/' && !event.ctrlKey && !event.metaKey && !event.altKey && !typingInField(event.target)) {
        event.preventDefault()
        input.current?.focus()
      }
    }
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [])

  // search as the user pauses typing, not on every keystroke
  useEffect(() => {
    const timer = setTimeout(() => setQ(text.trim()), 300)
    return () => clearTimeout(timer)
  }, [text])

  const formLabel = (key: string) => pickLabel(forms.find((f) => f.key === key)?.label, i18n.language, key)
  const results = (
    <div className="header-search-results">
      {search.isFetching && <Spin size="small" />}
      {search.isError && <Typography.Text type="danger">{search.error.message}</Typography.Text>}
      {search.data && search.data.length === 0 && !search.isFetching && (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('header.noResults')} />
      )}
      {search.data?.map((group) => (
        <section key={group.form} aria-label={formLabel(group.form)}>
          <Typography.Text type="secondary" strong className="header-search-form">
            {formLabel(group.form)}
          </Typography.Text>
          <ul>
            {group.hits.map((hit) => (
              <li key={hit.id}>
                <a
                  href={`/a/${app}/forms/${group.form}/records/${hit.id}`}
                  onClick={(event) => {
                    event.preventDefault()
                    setOpen(false)
                    navigate(`/a/${app}/forms/${group.form}/records/${hit.id}`)
                  }}
                >
                  {hit.text || `#${hit.id}`}
                </a>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  )

  return (
    <Popover open={open && q !== ''} content={results} placement="bottomLeft" arrow={false} onOpenChange={setOpen} trigger="click">
      <Input
        ref={input}
        className="header-search"
        role="searchbox"
        aria-label={t('header.search')}
        placeholder={t('header.searchPlaceholder')}
        prefix={<SearchOutlined aria-hidden />}
        allowClear
        value={text}
        onChange={(event) => {
          setText(event.target.value)
          setOpen(true)
        }}
        onPressEnter={() => {
          setQ(text.trim())
          setOpen(true)
        }}
        onFocus={() => setOpen(true)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            setOpen(false)
            input.current?.blur()
          }
        }}
      />
    </Popover>
  )
}
