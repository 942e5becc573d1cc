import type { AlertStore } from '../alert-store.ts'
import type { TransitionContext } from '../alert-transitions.ts'
import type { Incident, IncidentTimelineEntry } from './incident.ts'
import type { Followed, IncidentKeeper, Resolution } from './incident-keeper.ts'
import { timelineJson } from './incident-record.ts'
import type { IncidentFilter } from './incident-store.ts'

/** What an incident-wide action produced: its transitions, no such incident, or a missing disposition. */
export type DeskOutcome = Followed | undefined | 'disposition'

/** Incidents as people read and handle them (the HTTP API, the wall, the one-tap links). */
export interface IncidentDesk {
  get(id: string): Incident | undefined
  timeline(id: string): IncidentTimelineEntry[]
  /** Newest first. */
  list(filter: IncidentFilter): Incident[]
  /** Open or acknowledged, oldest first. */
  active(): Incident[]
  /** Acknowledges every open member; idempotent. undefined = no such incident. */
  acknowledge(id: string, actor: string, note: string | null): Incident | undefined
  /**
   * Resolves every active member; idempotent. A fire needs a disposition: 'disposition' when it is
   * missing. undefined = no such incident.
   */
  resolve(id: string, actor: string, res: Resolution): Incident | undefined | 'disposition'
  /** Start-up: files active alerts that have no incident yet (from before incidents existed). */
  adoptOrphans(): void
}

export interface IncidentDeskDeps {
  store: AlertStore
  keeper: IncidentKeeper | undefined
  /** Runs fn in one alert-store transaction with the lifecycle's observers; publishes after commit. */
  run: (what: string, fn: (ctx: TransitionContext) => DeskOutcome) => DeskOutcome
  context: TransitionContext
  normaliseNote: (note: string | null) => string | null
}

export function createIncidentDesk(deps: IncidentDeskDeps): IncidentDesk {
  const { keeper, context } = deps
  const incidents = keeper?.store
  const json = (id: string) => {
    const r = incidents?.get(id)
    return r && keeper!.json(context, r)
  }
  return {
    get: json,
    timeline: (id) => incidents?.timeline(id).map(timelineJson) ?? [],
    list: (filter) => incidents?.list(filter).map((r) => keeper!.json(context, r)) ?? [],
    active: () => incidents?.active().map((r) => keeper!.json(context, r)) ?? [],
    acknowledge(id, actor, note) {
      if (!keeper) return undefined
      const said = deps.normaliseNote(note)
      const outcome = deps.run('acknowledging an incident', (ctx) => keeper.acknowledge(ctx, id, actor, said))
      return outcome === undefined ? undefined : json(id)
    },
    resolve(id, actor, res) {
      if (!keeper) return undefined
      const said = { ...res, note: deps.normaliseNote(res.note) }
      const outcome = deps.run('resolving an incident', (ctx) => keeper.resolve(ctx, id, actor, said))
      if (outcome === undefined || outcome === 'disposition') return outcome
      return json(id)
    },
    adoptOrphans() {
      if (keeper) deps.run('filing alerts into incidents', (ctx) => keeper.adoptOrphans(ctx))
    },
  }
}
