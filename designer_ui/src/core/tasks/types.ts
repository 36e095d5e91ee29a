// Shapes of the flow routes' answers (they answer `dict[str, Any]` in the OpenAPI document).
import type { Label } from '../labels'

export type SlaState = 'ok' | 'warning' | 'breached' | null

/** One row of GET /api/v1/flows/inbox/{box}; pending and done rows are tasks, started and cc rows instances. */
export interface InboxItem {
  task_id?: number
  node_id?: string
  node_label?: Label
  role?: string
  status?: string
  needs_input?: boolean
  paused?: boolean
  created_at?: string | null
  due_at?: string | null
  sla_state?: SlaState | string
  acted_at?: string | null
  decision?: string | null
  instance_id: number
  app: string
  flow_key: string
  form_key: string
  record_id: number
  /** The record's title field (a complaint's subject), when the reader may read it. */
  title?: string | null
  /** Values of the fields the task's step lists as visible (with `_display` names of relations). */
  summary?: Record<string, unknown>
  state: string
  started_by: number | null
  started_at: string | null
  reason?: string
  cc_at?: string
}

export interface Inbox {
  box: string
  items: InboxItem[]
  counts?: Record<string, number>
}

export interface OpenTask {
  id: number
  instance_id: number
  node_id: string
  node_label: Label
  role: string
  assignee_id: number
  due_at: string | null
  sla_state: string | null
  /** What its holder may do there, in button order (from the step's `allow` switches). */
  actions?: string[]
  /** 退回: the earlier steps it may go back to. */
  send_back_to?: StepChoice[]
  /** 驳回 at a step whose rejection lets the approver choose: the steps to choose from. */
  reject_to?: StepChoice[] | null
}

export interface StepChoice {
  id: string
  label: Label | null
}

/** One flow run on a record (GET …/records/{id}/flows). */
export interface RecordFlow {
  id: number
  flow_key: string
  flow_label: Label
  state: string
  outcome: string | null
  started_by: number | null
  started_at: string | null
  ended_at: string | null
  due_at: string | null
  sla_state: string | null
  working_minutes: number | string | null
  open_tasks: OpenTask[]
}

/** One audit entry of GET …/records/{id}/history. */
export interface HistoryEntry {
  at: string
  actor_id: number | null
  action: string
  changes: Record<string, unknown>
  request_id: string | null
}
