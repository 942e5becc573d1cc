import type { Alert, AlertHistoryEntry } from '../../../alerting/alert.ts'
import type { Incident } from '../../../alerting/incidents/incident.ts'
import type { WindowJson } from '../../../alerting/windows/window.ts'
import type { BuildingDetail } from '../../live/live-state.ts'

const TOKEN_KEY = 'firewatch.token'

/** The token lives in localStorage only: never in a URL, so never in a log or a referrer. */
export const tokenStore = {
  get: (): string | null => localStorage.getItem(TOKEN_KEY),
  set: (token: string): void => localStorage.setItem(TOKEN_KEY, token),
  clear: (): void => localStorage.removeItem(TOKEN_KEY),
}

export class Unauthorized extends Error {}

/** One problem the gateway found with a request (zod's issue: where, and what). */
export interface ApiIssue {
  path: (string | number)[]
  message: string
}

/**
 * A request that failed: `status` null when the gateway could not be reached at all; `issues`
 * what a 400 said was wrong, so that the page can say it where the person can fix it.
 */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly issues: ApiIssue[] = [],
  ) {
    super(message)
  }
}

export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers)
  headers.set('authorization', `Bearer ${tokenStore.get() ?? ''}`)
  if (init.body !== undefined) headers.set('content-type', 'application/json')
  const what = `${init.method ?? 'GET'} ${path}`
  let res: Response
  try {
    res = await fetch(`/api/v1${path}`, { ...init, headers })
  } catch (err) {
    throw new ApiError(`${what}: ${String(err)}`, null)
  }
  if (res.status === 401) throw new Unauthorized('token refused')
  if (!res.ok) throw new ApiError(`${what}: HTTP ${res.status}`, res.status, await issuesOf(res))
  try {
    return (await res.json()) as T
  } catch (err) {
    // The connection dropped in the middle of the answer.
    throw new ApiError(`${what}: ${String(err)}`, null)
  }
}

async function issuesOf(res: Response): Promise<ApiIssue[]> {
  if (res.status !== 400) return []
  try {
    const body = (await res.json()) as { issues?: ApiIssue[] }
    return Array.isArray(body.issues) ? body.issues : []
  } catch {
    return []
  }
}

export function buildingDetail(id: string): Promise<BuildingDetail> {
  return api<BuildingDetail>(`/buildings/${encodeURIComponent(id)}`)
}

export interface AlertQuery {
  building: string
  state: string
  class: string
}

export async function listAlerts(q: AlertQuery): Promise<Alert[]> {
  const params = new URLSearchParams({ building: q.building, state: q.state })
  if (q.class !== '') params.set('class', q.class)
  return (await api<{ alerts: Alert[] }>(`/alerts?${params}`)).alerts
}

export function alertAction(id: string, action: 'ack' | 'resolve', note: string): Promise<Alert> {
  const body = JSON.stringify(note.trim() === '' ? {} : { note: note.trim() })
  return api<Alert>(`/alerts/${encodeURIComponent(id)}/${action}`, { method: 'POST', body })
}

/** POST /incidents/{id}/ack: every open member of the incident is acknowledged with it. */
export function ackIncident(id: string, note: string): Promise<Incident> {
  const body = JSON.stringify(note.trim() === '' ? {} : { note: note.trim() })
  return api<Incident>(`/incidents/${encodeURIComponent(id)}/ack`, { method: 'POST', body })
}

export interface Resolution {
  disposition: string | null
  cause: string | null
  note: string
}

/** POST /incidents/{id}/resolve: a fire needs its disposition (the gateway answers 400 without). */
export function resolveIncident(id: string, r: Resolution): Promise<Incident> {
  const body: Record<string, string> = {}
  if (r.disposition !== null) body.disposition = r.disposition
  if (r.cause !== null) body.cause = r.cause
  if (r.note.trim() !== '') body.note = r.note.trim()
  return api<Incident>(`/incidents/${encodeURIComponent(id)}/resolve`, {
    method: 'POST',
    body: JSON.stringify(body),
  })
}

/** GET /windows?building=: in force, to come, or ended within the last day. */
export async function buildingWindows(building: string): Promise<WindowJson[]> {
  const params = new URLSearchParams({ building, state: 'all' })
  return (await api<{ windows: WindowJson[] }>(`/windows?${params}`)).windows
}

export interface HistoryPoint {
  metric: string
  value: number
  ts: number
}

/** GET /devices/{id}/readings: the last 24 h, thinned by the gateway to a chart's worth of points. */
export async function deviceReadings(id: string): Promise<HistoryPoint[]> {
  return (await api<{ readings: HistoryPoint[] }>(`/devices/${encodeURIComponent(id)}/readings`)).readings
}

export type AlertWithHistory = Alert & { history: AlertHistoryEntry[] }

export function alertWithHistory(id: string): Promise<AlertWithHistory> {
  return api<AlertWithHistory>(`/alerts/${encodeURIComponent(id)}`)
}
