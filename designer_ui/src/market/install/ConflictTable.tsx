import { Radio, Table, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { type MergeConflict, type Resolutions, type Side, showValue } from '../../core/market/conflicts'

/** Each conflict between a local change and the new version, with the admin's choice of side. */
export function ConflictTable({ conflicts, chosen, onChoose }: {
  conflicts: MergeConflict[]
  chosen: Resolutions
  onChoose: (path: string, side: Side) => void
}) {
  const { t } = useTranslation()
  const removed = t('install.upgrade.removed')
  return (
    <Table<MergeConflict>
      rowKey="path"
      size="small"
      pagination={false}
      dataSource={conflicts}
      columns={[
        { title: t('install.upgrade.path'), dataIndex: 'path', render: (path: string) => <Typography.Text code>{path}</Typography.Text> },
        { title: t('install.upgrade.base'), render: (_, c) => showValue(c.base, false, removed) },
        { title: t('install.upgrade.local'), render: (_, c) => showValue(c.local, c.local_removed, removed) },
        { title: t('install.upgrade.new'), render: (_, c) => showValue(c.new, c.new_removed, removed) },
        {
          title: t('install.upgrade.keep'),
          render: (_, c) => (
            <Radio.Group
              aria-label={t('install.upgrade.keepFor', { path: c.path })}
              value={chosen[c.path]}
              onChange={(event) => onChoose(c.path, event.target.value as Side)}
              options={[
                { value: 'local', label: t('install.upgrade.chooseLocal') },
                { value: 'new', label: t('install.upgrade.chooseNew') },
              ]}
            />
          ),
        },
      ]}
    />
  )
}
