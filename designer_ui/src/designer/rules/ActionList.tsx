import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, HolderOutlined } from '@ant-design/icons'
import { DndContext, KeyboardSensor, PointerSensor, useDraggable, useDroppable, useSensor, useSensors,
  type DragEndEvent } from '@dnd-kit/core'
import { Button, Card, Select, Space } from 'antd'
import { useTranslation } from 'react-i18next'
import type { DraftStore } from '../../core/design/draftStore'
import { dropPosition, moveActionOps, newAction, removeActionOps, type Obj } from '../../core/design/rules'
import { pickLabel } from '../../core/labels'
import type { Catalog } from '../designerApi'
import { ActionSettings } from './ActionSettings'
import type { RuleScope } from './useRuleScope'

interface Props {
  appKey: string
  store: DraftStore
  doc: unknown
  ruleIndex: number
  ruleLabel: string
  actions: Obj[]
  form: string | null
  catalog: Catalog
  scope: RuleScope
  /** Actions the problems panel flags (by index). */
  flagged: ReadonlySet<number>
}

function Slot({ before }: { before: number }) {
  const { setNodeRef, isOver } = useDroppable({ id: `before:${String(before)}`, data: { before } })
  return <div ref={setNodeRef} className={`rules-action-slot${isOver ? ' over' : ''}`} />
}

function Handle({ index, label }: { index: number; label: string }) {
  const { attributes, listeners, setNodeRef } = useDraggable({ id: `action:${String(index)}`, data: { index } })
  return <Button ref={setNodeRef} size="small" type="text" icon={<HolderOutlined />} aria-label={label} className="rules-drag"
    {...attributes} {...listeners} />
}

/** The rule's actions in the order they run: drag a card by its handle (or use the arrows) to reorder. */
export function ActionList({ appKey, store, doc, ruleIndex, ruleLabel, actions, form, catalog, scope, flagged }: Props) {
  const { t, i18n } = useTranslation()
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 5 } }), useSensor(KeyboardSensor))
  const kinds = new Map(catalog.rules.actions.map((a) => [a.key, pickLabel(a.label, i18n.language, a.key)]))
  const move = (from: number, to: number) => store.edit(moveActionOps(ruleIndex, from, to))
  const onDragEnd = (e: DragEndEvent) => {
    const from = (e.active.data.current as { index?: number } | undefined)?.index
    const before = (e.over?.data.current as { before?: number } | undefined)?.before
    if (from !== undefined && before !== undefined) move(from, dropPosition(from, before))
  }
  const remove = (n: number) => {
    const { ops, restore } = removeActionOps(ruleIndex, n, actions[n])
    store.remove(ops, { kind: 'action', label: `${ruleLabel} · ${kinds.get(String(actions[n]?.kind)) ?? String(actions[n]?.kind)}`, restore })
  }
  return <DndContext sensors={sensors} onDragEnd={onDragEnd}>
    <Space direction="vertical" size={0} style={{ width: '100%' }}>
      {actions.map((action, n) => {
        const name = t('designer.rules.action.card', { n: n + 1, kind: kinds.get(String(action.kind)) ?? String(action.kind) })
        return <div key={n}>
          <Slot before={n} />
          <Card size="small" role="region" aria-label={name} className={flagged.has(n) ? 'rules-flagged' : undefined}
            title={<Space size={4}><Handle index={n} label={t('designer.rules.action.drag', { name })} />{name}</Space>}
            extra={<Space size={0}>
              <Button size="small" type="text" icon={<ArrowUpOutlined />} disabled={n === 0} aria-label={t('designer.rules.action.up', { name })}
                onClick={() => move(n, n - 1)} />
              <Button size="small" type="text" icon={<ArrowDownOutlined />} disabled={n === actions.length - 1}
                aria-label={t('designer.rules.action.down', { name })} onClick={() => move(n, n + 1)} />
              <Button size="small" type="text" danger icon={<DeleteOutlined />} disabled={actions.length <= 1}
                aria-label={t('designer.rules.action.remove', { name })} onClick={() => remove(n)} />
            </Space>}>
            <ActionSettings appKey={appKey} store={store} doc={doc} ruleIndex={ruleIndex} index={n} action={action} form={form} scope={scope} />
          </Card>
        </div>
      })}
      <Slot before={actions.length} />
      <Select aria-label={t('designer.rules.action.add')} placeholder={t('designer.rules.action.add')} style={{ width: 240 }} value={null}
        options={catalog.rules.actions.map((a) => ({ value: a.key, label: pickLabel(a.label, i18n.language, a.key) }))}
        onChange={(kind: string) => store.edit([{ op: 'insert', path: ['rules', String(ruleIndex), 'actions', String(actions.length)],
          value: newAction(kind) }])} />
    </Space>
  </DndContext>
}
