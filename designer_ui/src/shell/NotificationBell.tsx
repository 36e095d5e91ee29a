import { BellOutlined } from '@ant-design/icons'
import { App as AntApp, Badge, Button, Empty, Popover, Spin, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useNavigate } from 'react-router'
import { useMarkRead } from './useMarkRead'
import { useNotifications, type NotificationItem } from './useNotifications'

/** The bell: my unread count, and the in-app inbox in a popover (open one, mark one or all read). */
export function NotificationBell() {
  const { t } = useTranslation()
  const [open, setOpen] = useState(false)
  const notifications = useNotifications()
  const unread = notifications.data?.unread ?? 0
  return (
    <Popover
      trigger="click"
      placement="bottomRight"
      open={open}
      onOpenChange={setOpen}
      title={t('header.notifications')}
      content={<NotificationList onDone={() => setOpen(false)} />}
    >
      <Button
        type="text"
        aria-label={unread ? t('header.bellUnread', { count: unread }) : t('header.bell')}
        icon={
          <Badge count={unread} size="small" overflowCount={99}>
            <BellOutlined aria-hidden className="header-bell-icon" />
          </Badge>
        }
      />
    </Popover>
  )
}

function NotificationList({ onDone }: { onDone: () => void }) {
  const { t, i18n } = useTranslation()
  const { message } = AntApp.useApp()
  const navigate = useNavigate()
  const notifications = useNotifications()
  const markRead = useMarkRead()
  const items = notifications.data?.items ?? []
  const when = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'short', timeStyle: 'short' })

  const mark = (id?: number) =>
    markRead.mutateAsync(id).catch((error: unknown) => message.error(error instanceof Error ? error.message : String(error)))

  const openItem = async (item: NotificationItem) => {
    if (!item.read_at) await mark(item.id)
    const link = item.link
    if (link?.app && link.form && link.record) {
      onDone()
      navigate(`/a/${link.app}/forms/${link.form}/records/${link.record}`)
    }
  }

  if (notifications.isPending) return <Spin />
  if (notifications.isError) return <Typography.Text type="danger">{notifications.error.message}</Typography.Text>
  return (
    <div className="header-notifications">
      {items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('header.noNotifications')} />
      ) : (
        <ul className="header-notification-list" aria-label={t('header.notifications')}>
          {items.map((item) => (
            <li key={item.id} className={item.read_at ? 'is-read' : 'is-unread'}>
              <button type="button" className="header-notification" onClick={() => void openItem(item)}>
                <span className="header-notification-title">
                  {!item.read_at && <Badge status="processing" aria-label={t('header.unread')} />}
                  {item.title}
                </span>
                {item.body && <span className="header-notification-body">{item.body}</span>}
                <span className="header-notification-time">{when.format(new Date(item.created_at))}</span>
              </button>
              {!item.read_at && (
                <Button size="small" type="link" onClick={() => void mark(item.id)}>
                  {t('header.markRead')}
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      <div className="header-notification-actions">
        <Button size="small" disabled={!notifications.data?.unread} loading={markRead.isPending} onClick={() => void mark()}>
          {t('header.markAllRead')}
        </Button>
      </div>
    </div>
  )
}
