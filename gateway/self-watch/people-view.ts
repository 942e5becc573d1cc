import type { TransitionObserver } from '../../alerting/alarm-path.ts'
import type { Alert } from '../../alerting/alert.ts'
import { SELF_TEST_BUILDING } from '../../ingest/site/self-test-ids.ts'
import type { AlertListFilter, AlertService, IncidentService } from '../http/http-deps.ts'
import { isSelfTestBuilding } from './self-test-site.ts'

// What people see of the alarm path leaves the self-test probe out (docs/self-watch.md): its test
// fire alarm is never paged, published to MQTT subscribers, shown on the wall or listed by the API.
// The self-test's own fault, self_test.failed, is raised in the real buildings and is seen by all.

const real = (o: { building: string }) => !isSelfTestBuilding(o.building)

/** An observer (notifications, MQTT feed, wall) that never sees the probe's alerts and incidents. */
export function forPeople(observer: TransitionObserver): TransitionObserver {
  const o = observer
  const view: TransitionObserver = {}
  if (o.withinTransaction)
    view.withinTransaction = (t) => (real(t.alert) ? o.withinTransaction?.(t) : undefined)
  if (o.afterTransition) view.afterTransition = (t) => (real(t.alert) ? o.afterTransition?.(t) : undefined)
  if (o.withinIncident) view.withinIncident = (t) => (real(t.incident) ? o.withinIncident?.(t) : undefined)
  if (o.afterIncident) view.afterIncident = (t) => (real(t.incident) ? o.afterIncident?.(t) : undefined)
  return view
}

const HIDDEN: ReadonlySet<string> = new Set([SELF_TEST_BUILDING])

/** The store's own query leaves the probe's building out, so that `limit` still counts. */
const scoped = (filter: AlertListFilter): AlertListFilter => ({ ...filter, hidden: HIDDEN })

const visible = <T extends { building: string }>(item: T | undefined): T | undefined =>
  item && real(item) ? item : undefined

/** The alerts of the HTTP API without the probe's: listed, fetched, acknowledged or resolved. */
export function alertsForPeople(alerts: AlertService): AlertService {
  return {
    list: (filter) => alerts.list(scoped(filter)),
    get: (id) => visible(alerts.get(id)),
    history: (id) => (visible(alerts.get(id)) ? alerts.history(id) : []),
    acknowledge: (id, actor, note) =>
      visible(alerts.get(id)) ? alerts.acknowledge(id, actor, note) : undefined,
    resolve: (id, actor, note) => (visible(alerts.get(id)) ? alerts.resolve(id, actor, note) : undefined),
    active: () => alerts.active().filter(real),
  }
}

/** The incidents of the HTTP API without the probe's. */
export function incidentsForPeople(incidents: IncidentService): IncidentService {
  return {
    list: (filter) => incidents.list(scoped(filter)),
    get: (id) => visible(incidents.get(id)),
    timeline: (id) => (visible(incidents.get(id)) ? incidents.timeline(id) : []),
    alert: (id) => visible(incidents.alert(id)),
    acknowledge: (id, actor, note) =>
      visible(incidents.get(id)) ? incidents.acknowledge(id, actor, note) : undefined,
    resolve: (id, actor, res) => (visible(incidents.get(id)) ? incidents.resolve(id, actor, res) : undefined),
  }
}

/** Active alerts for the wall at start-up and the active-alerts gauge: the probe's are left out. */
export const activeForPeople = (active: () => Alert[]) => (): Alert[] => active().filter(real)

/** True for what belongs to a building of the site (not the self-test's). */
export const isPeoples = real
