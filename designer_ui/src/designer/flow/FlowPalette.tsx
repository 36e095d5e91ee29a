import { Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { pickLabel } from '../../core/labels'
import type { Catalog } from '../designerApi'

type NodeKindEntry = Catalog['flows']['node_kinds'][number]
export const KIND_MIME = 'application/x-dajian-node-kind'

/** Every node kind of the server's registry; drag one onto the canvas (Enter or a double click adds it). */
export function FlowPalette({ catalog, onAdd }: { catalog: Catalog; onAdd: (kind: NodeKindEntry) => void }) {
  const { t, i18n } = useTranslation()
  return <nav className="designer-palette" aria-label={t('designer.flow.palette.title')}>
    <Typography.Text strong className="designer-pane-title">{t('designer.flow.palette.title')}</Typography.Text>
    <div className="flow-palette-list">
      {catalog.flows.node_kinds.map((kind) => {
        const name = pickLabel(kind.label, i18n.language, kind.key)
        return <div key={kind.key} className={`designer-palette-item flow-palette-item flow-node-${kind.key}`} draggable tabIndex={0}
          role="button" aria-label={t('designer.flow.palette.item', { kind: name })} title={name}
          onDragStart={(e) => {
            e.dataTransfer.setData(KIND_MIME, kind.key)
            e.dataTransfer.effectAllowed = 'copy'
          }}
          onDoubleClick={() => onAdd(kind)} onKeyDown={(e) => { if (e.key === 'Enter') onAdd(kind) }}>
          {name}
        </div>
      })}
    </div>
    <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 8 }}>{t('designer.flow.palette.hint')}</Typography.Paragraph>
  </nav>
}
