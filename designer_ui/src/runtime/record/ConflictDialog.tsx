import { Alert, Modal, Table } from 'antd'
import { useTranslation } from 'react-i18next'
import { pickLabel } from '../../core/labels'
import type { FieldChange } from '../../core/form/diff'
import type { FieldDef } from '../../core/form/types'
import { widgetFor } from '../../fields/registry'
import type { FieldContext } from '../../fields/types'

interface Props {
  open: boolean
  fields: readonly FieldDef[]
  /** What the other person changed since I opened the record. */
  theirs: FieldChange[]
  /** What I changed, with my values. */
  mine: FieldChange[]
  conflicts: string[]
  ctx: FieldContext
  onReapply: () => void
  onDiscard: () => void
  onCancel: () => void
}

/** The 409: who changed what since I read the record, and my edits reapplied on their version. */
export function ConflictDialog(p: Props) {
  const { t } = useTranslation()
  const byKey = new Map(p.fields.map((f) => [f.key, f]))
  const show = (key: string, value: unknown) => {
    const f = byKey.get(key)
    if (!f) return String(value ?? '')
    const W = widgetFor(f.kind).display
    return <W field={f} value={value} ctx={p.ctx} />
  }
  const label = (key: string) => pickLabel(byKey.get(key)?.label, p.ctx.locale, key)
  const mine = new Map(p.mine.map((c) => [c.key, c.after]))
  return <Modal open={p.open} title={t('record.conflictTitle')} width={720} onCancel={p.onCancel}
    okText={t('record.reapply')} cancelText={t('record.discardMine')} onOk={p.onReapply}
    cancelButtonProps={{ onClick: p.onDiscard }}>
    <Alert type="warning" showIcon title={t('record.conflictText')} style={{ marginBottom: 12 }} />
    <Table size="small" pagination={false} rowKey="key" scroll={{ x: 'max-content' }}
      aria-label={t('record.theirChanges')}
      dataSource={p.theirs.map((c) => ({ ...c, conflict: p.conflicts.includes(c.key) }))}
      columns={[
        { key: 'field', title: t('record.field'), render: (_, c) => <b>{label(c.key)}{c.conflict ? ' ⚠' : ''}</b> },
        { key: 'before', title: t('record.before'), render: (_, c) => show(c.key, c.before) },
        { key: 'after', title: t('record.theirValue'), render: (_, c) => show(c.key, c.after) },
        { key: 'mine', title: t('record.myValue'), render: (_, c) => (mine.has(c.key) ? show(c.key, mine.get(c.key)) : '—') },
      ]} />
    {p.mine.length > 0 && <p style={{ marginTop: 12 }}>
      {t('record.myEdits', { fields: p.mine.map((c) => label(c.key)).join('、') })}
    </p>}
  </Modal>
}
