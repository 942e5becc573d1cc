import type { PanelStatus, SiteModel, UitdLinkEvent } from '../../ingest/index.ts'
import type { AlertScope, AlertSignal } from '../alert.ts'
import { type RuleParams, resolveParams, ruleSpec } from '../rule-catalog.ts'
import { PANEL_BIT_RULES, PANEL_FIRE, panelDetail } from './panel-rules.ts'

export const UITD_OFFLINE = 'uitd.offline'
export const UITD_PATROL_MISSED = 'uitd.patrol_missed'
export const UITD_FAULT = 'uitd.fault'

/** Keys remembered at most (a UITD inventing part addresses must not grow the map for ever). */
const MAX_KEYS = 50_000

/**
 * What a UITD reports that is no declared site device, and the UITD's own link: alerts on
 * placeholder keys (docs/gbt26875.md "Learned components").
 *
 * - An undeclared part or the panel itself (type 1): the panel rules, scope `building`, so that a
 *   fire is never lost because the site file is incomplete. Every report whose bits are set raises
 *   (the lifecycle opens the alert or counts a repeat), so a resolved alert whose state persists
 *   opens again with the next report.
 * - The UITD's own status (type 21): fire (scope `building`: the UITD knows no place), uitd.fault.
 * - The link: uitd.offline while silent, uitd.patrol_missed for a missed patrol check, on the
 *   UITD's id (scope `device`, with the UITD's floor and zone).
 */
export class PanelPlaceholders {
  /** key -> rules raised since start (a clear is sent for a key not seen since start, too). */
  private readonly raised = new Map<string, Set<string>>()
  /** UITDs silent now: an offline alert resolved by a person while still silent raises again. */
  private readonly silent = new Map<string, UitdLinkEvent>()

  constructor(
    private readonly site: SiteModel,
    /** The engine's emit; false when the signal could not be delivered. */
    private readonly emit: (s: AlertSignal) => boolean,
  ) {}

  /** Returns false when a raise was not delivered (the frame is then denied and sent again). */
  status(s: PanelStatus): boolean {
    const known = this.raised.has(s.device)
    const raised = this.keyState(s.device)
    let delivered = true
    for (const { rule: base, bits } of PANEL_BIT_RULES) {
      const rule = ruleOf(s, base)
      if (rule === null) continue
      const params = this.params(rule, s.building)
      if (!params.enabled) continue
      const on = bits.filter((b) => s.bits[b])
      const scope: AlertScope = rule === UITD_FAULT ? 'device' : 'building'
      if (on.length > 0) {
        const detail = s.declared ? panelDetail(s, on) : placeholderDetail(s, on)
        if (this.emit(signal('raise', s, rule, params, scope, s.ts, s.receivedAt, detail))) raised.add(rule)
        else delivered = false
      } else if (!params.latch && (!known || raised.has(rule))) {
        raised.delete(rule)
        this.emit(signal('clear', s, rule, params, scope, s.ts, s.receivedAt, null))
      }
    }
    return delivered
  }

  /** The link to a UITD changed. False when a raise was not delivered. */
  link(e: UitdLinkEvent): boolean {
    if (e.kind === 'silent') {
      this.silent.set(e.uitd, e)
      return this.linkSignal('raise', e, UITD_OFFLINE)
    }
    if (e.kind === 'seen') {
      this.silent.delete(e.uitd)
      const raised = this.raised.get(e.uitd)
      if (raised === undefined || raised.has(UITD_OFFLINE)) this.linkSignal('clear', e, UITD_OFFLINE)
      return true
    }
    if (e.kind === 'patrol-missed') return this.linkSignal('raise', e, UITD_PATROL_MISSED)
    return true
  }

  /** A person resolved the alert: an offline UITD still silent raises again at once. */
  rearm(key: string, rule: string): void {
    this.raised.get(key)?.delete(rule)
    const silent = this.silent.get(key)
    if (rule === UITD_OFFLINE && silent) this.linkSignal('raise', silent, UITD_OFFLINE)
  }

  /** The alert was active before a restart: raised, so that the condition's end clears it. */
  restore(key: string, rule: string): void {
    this.keyState(key).add(rule)
  }

  /** True for what this class raises on: a UITD's id (placeholders of parts carry a prefix). */
  owns(key: string): boolean {
    return this.site.uitd(key) !== undefined
  }

  private linkSignal(type: 'raise' | 'clear', e: UitdLinkEvent, rule: string): boolean {
    const params = this.params(rule, e.building)
    if (!params.enabled) return true
    const raised = this.keyState(e.uitd)
    const place = { device: e.uitd, building: e.building, floor: e.floor, zone: e.zone }
    const s = signal(type, place, rule, params, 'device', e.at, e.at, e.detail)
    const delivered = this.emit(s)
    if (type === 'clear') raised.delete(rule)
    else if (delivered) raised.add(rule)
    return delivered
  }

  private params(rule: string, building: string): RuleParams {
    return resolveParams(ruleSpec(rule)!, this.site.file.rules, this.site.building(building)?.rules)
  }

  private keyState(key: string): Set<string> {
    let state = this.raised.get(key)
    if (state) return state
    if (this.raised.size >= MAX_KEYS) this.raised.delete(this.raised.keys().next().value!)
    state = new Set()
    this.raised.set(key, state)
    return state
  }
}

/** The rule a bit group raises for this source; null where the source has none (the UITD's own status). */
function ruleOf(s: PanelStatus, base: string): string | null {
  if (s.source !== 'uitd') return base
  if (base === PANEL_FIRE) return base
  return base === 'panel.fault' ? UITD_FAULT : null
}

function placeholderDetail(s: PanelStatus, on: readonly string[]): string {
  const what =
    s.source === 'component'
      ? `part ${s.address} not in the site file`
      : s.source === 'system'
        ? `panel ${s.address}`
        : `UITD ${s.uitd}`
  const text = s.description ? `${s.description}: ` : ''
  const bits = on.length > 1 ? ` (${on.join(', ')})` : ''
  return `${text}${what}, reported by ${s.uitd}${bits}${s.bits.test ? ', panel in test mode' : ''}`
}

function signal(
  type: 'raise' | 'clear',
  place: { device: string; building: string; floor: number; zone: string },
  rule: string,
  params: RuleParams,
  scope: AlertScope,
  at: number,
  receivedAt: number,
  detail: string | null,
): AlertSignal {
  return {
    type,
    device: place.device,
    building: place.building,
    floor: place.floor,
    zone: place.zone,
    rule,
    class: ruleSpec(rule)!.class,
    metric: null,
    value: null,
    threshold: null,
    at,
    receivedAt,
    latched: params.latch,
    detail,
    scope,
  }
}
