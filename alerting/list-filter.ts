import type { AlertClass, AlertState } from './alert.ts'

/** What a list of alerts or incidents asks for (GET /api/v1/alerts and /incidents): newest first. */
export interface ListFilter {
  /** 'active' from the API becomes ['open','acknowledged']; 'all' is all three. */
  states: readonly AlertState[]
  building?: string
  class?: AlertClass
  /** Epoch ms: only those opened at or after. */
  since?: number
  /** Visibility scope of the caller (a manager's buildings); null or absent = all. */
  buildings?: ReadonlySet<string> | null
  /** Never listed, whoever asks (the gateway's self-test building: docs/self-watch.md). */
  hidden?: ReadonlySet<string>
  /** Newest first (openedAt desc, then id desc). */
  limit: number
}

/**
 * The named parameters of a list query: only the conditions asked for are present, so that the
 * statement built from their names has only those WHERE terms. Null when the answer is empty
 * without asking (no state, an empty scope, a limit of 0).
 */
export function listParams(filter: ListFilter): Record<string, string | number> | null {
  const scope = filter.buildings ?? null
  if (filter.states.length === 0 || scope?.size === 0 || filter.limit <= 0) return null
  const params: Record<string, string | number> = {
    states: JSON.stringify(filter.states),
    limit: Math.floor(filter.limit),
  }
  if (filter.building !== undefined) params.building = filter.building
  if (filter.class !== undefined) params.class = filter.class
  if (filter.since !== undefined) params.since = filter.since
  if (scope !== null) params.scope = JSON.stringify([...scope])
  if (filter.hidden !== undefined && filter.hidden.size > 0)
    params.hidden = JSON.stringify([...filter.hidden])
  return params
}
