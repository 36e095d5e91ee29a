import { Alert, Descriptions, List, Space, Tag, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import type { Checks, TemplateVersion } from './queries'

const SECTIONS = ['forms', 'fields', 'flows', 'rules', 'reports', 'dashboards', 'roles'] as const

/** The automatic checks a reviewer reads: schema, semver against the last published version, the diff, and
 *  what deserves a human look (outside webhooks, public channels, broad row scopes, notification templates). */
export function ChecksPanel({ checks }: { checks: Checks }) {
  const { t } = useTranslation()
  const rows = SECTIONS.map((s) => ({ section: s, change: checks.diff[s] })).filter(
    (r) => r.change && r.change.added.length + r.change.changed.length + r.change.removed.length > 0,
  )
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Alert type={checks.schema.valid ? 'success' : 'error'} showIcon message={t(checks.schema.valid ? 'market.schemaValid' : 'market.schemaInvalid')} />
      <Typography.Text>
        {checks.previous ? t('market.comparedTo', { version: checks.previous, bump: checks.bump ? t(`market.bumps.${checks.bump}`) : '—' }) : t('market.firstVersion')}
      </Typography.Text>
      <Descriptions size="small" bordered column={1} title={t('market.diff')} styles={{ label: { width: 88, whiteSpace: 'nowrap' } }}>
        {rows.map(({ section, change }) => (
          <Descriptions.Item key={section} label={t(`market.sections.${section}`)}>
            <Space size={[4, 4]} wrap>
              {change?.added.map((k) => <Tag key={`a${k}`} color="green">+ {k}</Tag>)}
              {change?.changed.map((k) => <Tag key={`c${k}`} color="blue">~ {k}</Tag>)}
              {change?.removed.map((k) => <Tag key={`r${k}`} color="red">− {k}</Tag>)}
            </Space>
          </Descriptions.Item>
        ))}
      </Descriptions>
      <Typography.Title level={5}>{t('market.attention', { count: checks.attention.length })}</Typography.Title>
      <List
        size="small"
        bordered
        locale={{ emptyText: t('market.nothingToLookAt') }}
        dataSource={checks.attention.slice(0, 50)}
        renderItem={(a) => (
          <List.Item>
            <Space wrap>
              <Tag color="orange">{t(`market.attentionKinds.${a.kind}`)}</Tag>
              <Typography.Text code>{a.path}</Typography.Text>
              {a.kind !== 'broad_row_scope' && <span>{a.detail}</span>}
            </Space>
          </List.Item>
        )}
      />
    </Space>
  )
}

/** The version's history: who moved it, from which state to which, with their comment. */
export function VersionEvents({ version }: { version: TemplateVersion }) {
  const { t, i18n } = useTranslation()
  return (
    <List
      size="small"
      dataSource={version.events}
      renderItem={(e) => (
        <List.Item>
          <Space wrap>
            <span>{new Date(e.at).toLocaleString(i18n.language)}</span>
            <strong>{e.actor_name}</strong>
            <span>{t(`market.actions.${e.action}`)}</span>
            <Tag>{t(`market.states.${e.to_state}`)}</Tag>
            {e.comment && <Typography.Text mark>{e.comment}</Typography.Text>}
          </Space>
        </List.Item>
      )}
    />
  )
}
