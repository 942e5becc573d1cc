import type { Alert, AlertHistoryEntry } from '../../alerting/alert.ts'
import type { PersonAction } from '../scenario/scenario-types.ts'
import { SimulatorError } from './simulator-errors.ts'

/** The few calls of the gateway HTTP API (docs/protocol.md) that the live runner needs. */
export class LiveApi {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  /** GET /api/v1/alerts; `since` in epoch ms. */
  async alerts(
    query: { state: string; since?: number; limit?: number },
    token = this.token,
  ): Promise<Alert[]> {
    const params = new URLSearchParams({ state: query.state, limit: String(query.limit ?? 5000) })
    if (query.since !== undefined) params.set('since', String(Math.max(0, Math.floor(query.since))))
    const body = (await this.call('GET', `/api/v1/alerts?${params}`, token)) as { alerts: Alert[] }
    return body.alerts
  }

  async alert(id: string, token = this.token): Promise<Alert & { history: AlertHistoryEntry[] }> {
    return (await this.call('GET', `/api/v1/alerts/${encodeURIComponent(id)}`, token)) as Alert & {
      history: AlertHistoryEntry[]
    }
  }

  async act(id: string, action: 'ack' | 'resolve', token: string, note: string | null): Promise<Alert> {
    const body = note === null ? {} : { note }
    return (await this.call(
      'POST',
      `/api/v1/alerts/${encodeURIComponent(id)}/${action}`,
      token,
      body,
    )) as Alert
  }

  /** POST /api/v1/incidents/{id}/resolve for the incident of `alert`. */
  async resolveIncident(alert: Alert, a: PersonAction): Promise<unknown> {
    if (alert.incident === null)
      throw new SimulatorError('FGW_ERR_SIM_HTTP', `alert ${alert.id} has no incident`)
    const body = {
      ...(a.disposition ? { disposition: a.disposition } : {}),
      ...(a.cause ? { cause: a.cause } : {}),
      ...(a.note === null ? {} : { note: a.note }),
    }
    return this.call('POST', `/api/v1/incidents/${encodeURIComponent(alert.incident)}/resolve`, a.token, body)
  }

  private async call(method: string, path: string, token: string, body?: unknown): Promise<unknown> {
    let res: Response
    try {
      res = await fetch(this.baseUrl + path, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
    } catch (err) {
      throw new SimulatorError('FGW_ERR_SIM_HTTP', `${method} ${path}: ${(err as Error).message}`, {
        cause: err,
      })
    }
    const text = await res.text()
    if (!res.ok)
      throw new SimulatorError(
        'FGW_ERR_SIM_HTTP',
        `${method} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`,
      )
    return JSON.parse(text) as unknown
  }
}
