import { App as AntApp, Button, Drawer, Empty, List, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import type { DraftStore, TrashItem } from '../core/design/draftStore'

/** Deleted elements of this draft, newest first, each restorable where it was. */
export function TrashDrawer({ open, onClose, store, trash }: { open: boolean; onClose: () => void; store: DraftStore;
  trash: readonly TrashItem[] }) {
  const { t, i18n } = useTranslation()
  const { message } = AntApp.useApp()
  return <Drawer title={t('designer.trash.title')} open={open} onClose={onClose} width={420}>
    {trash.length === 0 ? <Empty description={t('designer.trash.empty')} />
      : <List size="small" dataSource={[...trash]} renderItem={(item) => <List.Item actions={[
        <Button key="restore" size="small" aria-label={t('designer.trash.restoreOne', { label: item.label })} onClick={() => {
          if (store.restore(item.id)) void message.success(t('designer.trash.restored', { label: item.label }))
          else void message.error(t('designer.trash.cannot'))
        }}>{t('designer.trash.restore')}</Button>]}>
        <List.Item.Meta title={item.label} description={<Typography.Text type="secondary">
          {t(`designer.trash.kind.${item.kind}`, { defaultValue: item.kind })} · {new Date(item.deletedAt).toLocaleString(i18n.language)}
        </Typography.Text>} />
      </List.Item>} />}
  </Drawer>
}
