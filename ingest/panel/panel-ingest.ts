import type { Reading } from '../reading.ts'
import type { SiteModel } from '../site/site-model.ts'
import type { Uitd } from '../site/uitd-schema.ts'
import { analogueMetric } from './analogue-metric.ts'
import type { LearnedComponents } from './learned-components.ts'
import { learnedKey } from './learned-components.ts'
import { partBits, systemBits, uitdBits } from './panel-bits.ts'
import type { PanelDirectory } from './panel-directory.ts'
import type { PanelBits, PanelOperation, PanelSource, PanelStatus, UitdLinkEvent } from './panel-status.ts'
import type { ComponentRef, UitdIdentity, UitdSinks } from './uitd-sinks.ts'

/** Where the panel's reports go: the ingest pipeline (ingest-pipeline.ts), as MQTT devices' do. */
export interface PanelTarget {
  /** Returns what failed; a failure gets the frame denied, so that the UITD sends it again. */
  panelStatus(s: PanelStatus): readonly unknown[]
  panelReadings(readings: readonly Reading[]): void
  uitdLink(e: UitdLinkEvent): void
  panelOperation(op: PanelOperation): void
}

export interface PanelIngestOptions {
  site: SiteModel
  directory: PanelDirectory
  learned: LearnedComponents
  target: PanelTarget
  /** A time tag further than this from receipt is replaced by the receipt time (INGEST_MAX_SKEW_MS). */
  maxSkewMs: number
}

/** Thrown by a sink when the alarm path did not take a state: the listener denies the frame. */
export class PanelNotDelivered extends Error {}

/**
 * The receiver's sinks (gateway/uitd/ and the virtual-time runner hand decoded objects to them):
 * each report becomes a located PanelStatus, Reading, PanelOperation or UitdLinkEvent for the
 * pipeline. A part the site does not declare is learned and still reported, on a placeholder key,
 * so that its fire raises an alert (docs/gbt26875.md "Learned components").
 */
export function createPanelIngest(
  o: PanelIngestOptions,
): Required<Omit<UitdSinks, 'information' | 'refused'>> {
  const { site, target } = o
  const uitdOf = (identity: UitdIdentity): Uitd => {
    const uitd = site.uitd(identity.id)
    // allow() only names UITDs of the site: anything else is a wiring bug, and the frame is denied.
    if (!uitd) throw new PanelNotDelivered(`no UITD ${identity.id} in the site`)
    return uitd
  }
  const when = (at: number, receivedAt: number) => (Math.abs(at - receivedAt) > o.maxSkewMs ? receivedAt : at)
  const deliver = (s: PanelStatus) => {
    const failures = target.panelStatus(s)
    if (failures.length > 0) throw new PanelNotDelivered(`${s.device}: ${failures.length} sink(s) failed`)
  }
  const link = (identity: UitdIdentity, kind: UitdLinkEvent['kind'], at: number, detail: string | null) => {
    const u = uitdOf(identity)
    target.uitdLink({ uitd: u.id, building: u.building, floor: u.floor, zone: u.zone, kind, detail, at })
  }
  return {
    componentStatus(identity, ref, flags, description, at, receivedAt) {
      const u = uitdOf(identity)
      const bits = partBits(flags)
      const place = componentPlace(o, u, ref, { description, bits }, receivedAt)
      deliver({
        ...place,
        source: 'component',
        uitd: u.id,
        building: u.building,
        bits,
        description,
        address: addressText(ref),
        ts: when(at, receivedAt),
        receivedAt,
      })
    },
    systemStatus(identity, system, flags, at, receivedAt) {
      const u = uitdOf(identity)
      const key = `panel:${u.id}/${system.systemType}.${system.systemAddress}`
      const address = `${system.systemType}.${system.systemAddress}`
      deliver(placeholder(u, key, 'system', systemBits(flags), address, when(at, receivedAt), receivedAt))
    },
    uitdStatus(identity, flags, at, receivedAt) {
      const u = uitdOf(identity)
      deliver(placeholder(u, u.id, 'uitd', uitdBits(flags), '', when(at, receivedAt), receivedAt))
    },
    analogue(identity, ref, reading, at, receivedAt) {
      const u = uitdOf(identity)
      const metric = analogueMetric(reading.quantity, reading.value)
      if (metric === null) return
      const value = { metric: metric.family, value: metric.value }
      const place = componentPlace(o, u, ref, { value }, receivedAt)
      const r: Reading = {
        device: place.device,
        building: u.building,
        floor: place.floor,
        zone: place.zone,
        kind: 'panel_component',
        metric: metric.family,
        family: metric.family,
        channel: null,
        value: metric.value,
        ts: when(at, receivedAt),
        receivedAt,
        seq: null,
      }
      target.panelReadings([r])
    },
    operationRecord(identity, record, at, receivedAt) {
      const u = uitdOf(identity)
      const operations = Object.entries(record.operation)
        .filter(([name, set]) => name !== 'raw' && set === true)
        .map(([name]) => name)
      target.panelOperation({
        uitd: u.id,
        building: u.building,
        of: record.of,
        system: record.of === 'system' ? record.system : null,
        operations,
        operator: record.operator,
        at: when(at, receivedAt),
        receivedAt,
      })
    },
    uitdSeen: (identity, at) => link(identity, 'seen', at, null),
    uitdSilent: (identity, lastSeenAt, at) =>
      link(
        identity,
        'silent',
        at,
        lastSeenAt > 0 ? `last frame ${Math.round((at - lastSeenAt) / 1000)} s ago` : null,
      ),
    patrolMissed: (identity, sentAt, reason) =>
      link(identity, 'patrol-missed', sentAt, reason === 'no-answer' ? 'not answered' : reason),
    patrolAnswered: (identity, _sentAt, answeredAt, operator) =>
      link(identity, 'patrol-answered', answeredAt, `operator ${operator}`),
  }
}

/** A declared component's place, or the learned placeholder's: the UITD's floor, the panel's text as zone. */
function componentPlace(
  o: PanelIngestOptions,
  u: Uitd,
  ref: ComponentRef,
  what: Parameters<LearnedComponents['observe']>[3],
  at: number,
): { device: string; declared: boolean; floor: number; zone: string } {
  const declared = o.directory.component(u.id, ref)
  if (declared) return { device: declared.id, declared: true, floor: declared.floor, zone: declared.zone }
  const part = o.learned.observe(u.id, ref, at, what)
  const text = (what.description || part?.description || '').slice(0, 64)
  return { device: learnedKey(u.id, ref), declared: false, floor: u.floor, zone: text || 'unplaced' }
}

function placeholder(
  u: Uitd,
  key: string,
  source: PanelSource,
  bits: PanelBits,
  address: string,
  ts: number,
  receivedAt: number,
): PanelStatus {
  const zone = source === 'uitd' ? u.zone : 'panel'
  return {
    device: key,
    declared: false,
    source,
    uitd: u.id,
    building: u.building,
    floor: u.floor,
    zone,
    bits,
    description: '',
    address,
    ts,
    receivedAt,
  }
}

/** "1.1.23.65548": system type, system address, part type, part address. */
export function addressText(ref: ComponentRef): string {
  return `${ref.systemType}.${ref.systemAddress}.${ref.partType}.${ref.partAddress}`
}
