import { useDraggable } from '@dnd-kit/core'
import { Collapse, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { pickLabel } from '../core/labels'
import type { Catalog, FieldKindEntry } from './designerApi'

function PaletteItem({ kind, onAdd }: { kind: FieldKindEntry; onAdd: (kind: FieldKindEntry) => void }) {
  const { t, i18n } = useTranslation()
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({ id: `kind:${kind.key}`, data: { kind } })
  const name = pickLabel(kind.label, i18n.language, kind.key)
  return <div ref={setNodeRef} {...attributes} {...listeners} className={`designer-palette-item${isDragging ? ' dragging' : ''}`}
    aria-label={t('designer.palette.item', { kind: name })} onDoubleClick={() => onAdd(kind)}
    onKeyDown={(e) => {
      if (e.key === 'Enter') onAdd(kind)
      else listeners?.onKeyDown?.(e)
    }}>
    {name}
  </div>
}

/** Every field kind of the server's catalog in its group; drag one onto the canvas (Enter or a double click adds it at the end). */
export function Palette({ catalog, onAdd }: { catalog: Catalog; onAdd: (kind: FieldKindEntry) => void }) {
  const { t, i18n } = useTranslation()
  const groups = catalog.field_groups.map((g) => ({
    key: g.key, label: pickLabel(g.label, i18n.language, g.key),
    kinds: catalog.field_kinds.filter((k) => k.group === g.key),
  })).filter((g) => g.kinds.length > 0)
  return <nav className="designer-palette" aria-label={t('designer.palette.title')}>
    <Typography.Text strong className="designer-pane-title">{t('designer.palette.title')}</Typography.Text>
    <Collapse size="small" ghost defaultActiveKey={groups.map((g) => g.key)} items={groups.map((g) => ({
      key: g.key, label: g.label,
      children: <div className="designer-palette-grid">{g.kinds.map((k) => <PaletteItem key={k.key} kind={k} onAdd={onAdd} />)}</div>,
    }))} />
  </nav>
}
