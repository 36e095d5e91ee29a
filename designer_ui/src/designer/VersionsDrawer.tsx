import { useQuery } from '@tanstack/react-query'
import { App as AntApp, Button, Drawer, Empty, List, Select, Space, Spin, Tag, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { countChanges, diffDefinitions, type ElementChange } from '../core/design/diff'
import type { DraftStore } from '../core/design/draftStore'
import { pickLabel } from '../core/labels'
import { draftHistoryDocument, listDraftHistory, listVersions, versionDefinition } from './designerApi'
import { useCatalog } from './useCatalog'

// the compare selects' values: 0 the draft being edited, n > 0 version n, -id a save of the draft history
const DRAFT = 0
const COLORS = { added: 'green', removed: 'red', changed: 'blue' } as const

interface Props {
  appKey: string
  open: boolean
  onClose: () => void
  store: DraftStore
  doc: unknown
  /** Bumped after a publish, so the list reloads. */
  published: number | null
}

function ChangeTree({ changes, kindName }: { changes: ElementChange[]; kindName: (key: string) => string }) {
  const { t, i18n } = useTranslation()
  const attribute = (c: ElementChange, name: string) =>
    name === 'kind' && c.kind ? t('designer.diff.kindChange', { from: kindName(c.kind.from), to: kindName(c.kind.to) }) : name
  return <ul className="designer-diff">
    {changes.map((c) => <li key={`${c.section}:${c.key}`}>
      <Tag color={COLORS[c.change]}>{t(`designer.diff.${c.change}`)}</Tag>
      <Typography.Text type="secondary">{t(`designer.diff.section.${c.section}`, { defaultValue: c.section })}</Typography.Text>{' '}
      <Typography.Text strong>{pickLabel(c.label, i18n.language, c.key)}</Typography.Text>{' '}
      <Typography.Text type="secondary" style={{ fontFamily: 'monospace', fontSize: 12 }}>{c.key}</Typography.Text>
      {c.attributes.length > 0 && <Typography.Text type="secondary"> — {c.attributes.map((a) => attribute(c, a)).join(', ')}</Typography.Text>}
      {c.children.length > 0 && <ChangeTree changes={c.children} kindName={kindName} />}
    </li>)}
  </ul>
}

/** Published versions with their notes, a definition diff between any two (or the draft), and "restore as draft". */
export function VersionsDrawer({ appKey, open, onClose, store, doc, published }: Props) {
  const { t, i18n } = useTranslation()
  const { modal, message } = AntApp.useApp()
  const catalog = useCatalog()
  const kindName = (key: string) => {
    const kind = catalog.data?.field_kinds.find((k) => k.key === key)
    return kind ? pickLabel(kind.label, i18n.language, key) : key
  }
  const versions = useQuery({ queryKey: ['design', appKey, 'versions', 'list', published], queryFn: () => listVersions(appKey), enabled: open })
  const saves = useQuery({ queryKey: ['design', appKey, 'history'], queryFn: () => listDraftHistory(appKey), enabled: open })
  const latest = versions.data?.[0]?.number ?? null
  const [pair, setPair] = useState<{ from: number | null; to: number }>({ from: null, to: DRAFT })
  const from = pair.from ?? latest ?? (saves.data?.[1] ? -saves.data[1].id : null)
  const load = (n: number | null) => ({ queryKey: ['design', appKey, 'versions', n], enabled: open && n !== null && n !== DRAFT,
    queryFn: () => (n !== null && n < 0 ? draftHistoryDocument(appKey, -n) : versionDefinition(appKey, n ?? 0)), staleTime: Infinity })
  const when = (iso: string) => new Date(iso).toLocaleString(i18n.language)
  const before = useQuery(load(from))
  const after = useQuery(load(pair.to))
  const left = from === DRAFT ? doc : before.data
  const right = pair.to === DRAFT ? doc : after.data
  const diff = left !== undefined && right !== undefined ? diffDefinitions(left, right) : null
  const counts = diff ? countChanges(diff) : null

  const options = [{ value: DRAFT, label: t('designer.versions.draft') },
    ...(versions.data ?? []).map((v) => ({ value: v.number, label: t('designer.versions.number', { n: v.number }) })),
    ...(saves.data ?? []).map((s) => ({ value: -s.id, label: t('designer.versions.saveOption', { time: when(s.saved_at) }) }))]

  const restore = (n: number) => modal.confirm({
    title: t('designer.versions.restoreTitle', { n }), content: t('designer.versions.restoreText'),
    okText: t('designer.versions.restore'), cancelText: t('designer.cancel'),
    onOk: async () => {
      store.replace(await versionDefinition(appKey, n))
      void message.success(t('designer.versions.restored', { n }))
    },
  })

  const restoreSave = (id: number, time: string) => modal.confirm({
    title: t('designer.versions.restoreSaveTitle', { time }), content: t('designer.versions.restoreText'),
    okText: t('designer.versions.restore'), cancelText: t('designer.cancel'),
    onOk: async () => {
      store.replace(await draftHistoryDocument(appKey, id))
      void message.success(t('designer.versions.restoredSave', { time }))
    },
  })

  return <Drawer title={t('designer.versions.title')} open={open} onClose={onClose} width={560}>
    {versions.isPending ? <Spin /> : (versions.data ?? []).length === 0 ? <Empty description={t('designer.versions.none')} /> : <>
      <List size="small" dataSource={versions.data} style={{ marginBottom: 16 }} renderItem={(v) => <List.Item actions={[
        <Button key="restore" size="small" onClick={() => restore(v.number)}
          aria-label={t('designer.versions.restoreOne', { n: v.number })}>{t('designer.versions.restore')}</Button>]}>
        <List.Item.Meta title={<Space>{t('designer.versions.number', { n: v.number })}
          {v.number === latest && <Tag color="green">{t('designer.versions.current')}</Tag>}</Space>}
          description={<>{v.note ?? <Typography.Text type="secondary">{t('designer.versions.noNote')}</Typography.Text>}
            <div><Typography.Text type="secondary" style={{ fontSize: 12 }}>{new Date(v.created_at).toLocaleString(i18n.language)}</Typography.Text></div></>} />
      </List.Item>} />
    </>}
    <Typography.Title level={5}>{t('designer.versions.saves')}</Typography.Title>
    <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>{t('designer.versions.savesHint')}</Typography.Paragraph>
    {saves.isPending ? <Spin /> : <List size="small" aria-label={t('designer.versions.saves')} style={{ marginBottom: 16, maxHeight: 260, overflow: 'auto' }}
      dataSource={saves.data ?? []} locale={{ emptyText: t('designer.versions.savesNone') }} renderItem={(s) => <List.Item actions={[
        <Button key="restore" size="small" onClick={() => restoreSave(s.id, when(s.saved_at))}
          aria-label={t('designer.versions.restoreSave', { time: when(s.saved_at) })}>{t('designer.versions.restore')}</Button>]}>
        <List.Item.Meta title={t('designer.versions.saveAt', { time: when(s.saved_at) })}
          description={<Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('designer.versions.size', { n: s.size })}</Typography.Text>} />
      </List.Item>} />}
    {options.length > 1 && <>
      <Typography.Title level={5}>{t('designer.versions.compare')}</Typography.Title>
      <Space wrap style={{ marginBottom: 8 }}>
        <Select aria-label={t('designer.versions.from')} showSearch optionFilterProp="label" value={from} options={options} style={{ width: 210 }}
          onChange={(v: number) => setPair((p) => ({ ...p, from: v }))} />
        →
        <Select aria-label={t('designer.versions.to')} showSearch optionFilterProp="label" value={pair.to} options={options} style={{ width: 210 }}
          onChange={(v: number) => setPair((p) => ({ ...p, to: v }))} />
      </Space>
      {from === null ? null : diff === null ? <Spin /> : <>
        {counts && <div style={{ marginBottom: 8 }}>
          <Tag color="green">{t('designer.diff.addedN', { n: counts.added })}</Tag>
          <Tag color="red">{t('designer.diff.removedN', { n: counts.removed })}</Tag>
          <Tag color="blue">{t('designer.diff.changedN', { n: counts.changed })}</Tag>
        </div>}
        {diff.app.length > 0 && <Typography.Paragraph>{t('designer.diff.app', { list: diff.app.join(', ') })}</Typography.Paragraph>}
        {diff.elements.length === 0 && diff.app.length === 0 ? <Empty description={t('designer.diff.same')} />
          : <section aria-label={t('designer.versions.diff')}><ChangeTree changes={diff.elements} kindName={kindName} /></section>}
      </>}
    </>}
  </Drawer>
}
