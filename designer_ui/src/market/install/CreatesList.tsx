import { Descriptions, Tag } from 'antd'
import { useTranslation } from 'react-i18next'
import { pickLabel } from '../../core/labels'
import type { InstallPreview } from './queries'

const GROUPS = ['forms', 'flows', 'roles', 'channels', 'public_endpoints', 'scheduled_rules', 'reports'] as const

/** What an install creates, by kind: forms, flows, roles, channels, public endpoints, scheduled rules, reports. */
export function CreatesList({ creates }: { creates: InstallPreview['creates'] }) {
  const { t, i18n } = useTranslation()
  return (
    <Descriptions size="small" column={1} bordered title={t('install.creates')}>
      {GROUPS.map((group) => (
        <Descriptions.Item key={group} label={t(`install.groups.${group}`, { count: creates[group].length })}>
          {creates[group].length === 0
            ? '—'
            : creates[group].map((made) => (
                <Tag key={`${made.key}`}>{made.label ? pickLabel(made.label, i18n.language, made.key ?? '') : made.key}</Tag>
              ))}
        </Descriptions.Item>
      ))}
    </Descriptions>
  )
}
