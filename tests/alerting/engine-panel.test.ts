// The rule engine on a fire panel's reports (ingest/panel/): status bits to panel rules, undeclared
// parts on placeholders, the UITD's link. A real site, a real engine, signals collected.
import { describe, expect, it } from 'vitest'
import type { AlertSignal } from '../../alerting/alert.ts'
import { createEngine } from '../../alerting/engine.ts'
import type { PanelBits, PanelStatus, UitdLinkEvent } from '../../ingest/panel/panel-status.ts'
import { parseSite } from '../../ingest/site/load-site.ts'

const T0 = 1_763_800_000_000
const SITE = `
site: { name: Panel, timezone: Asia/Shanghai }
buildings:
  - { id: tower-a, name: Tower A, floors: 20 }
devices:
  - { id: mcp-12, building: tower-a, floor: 12, zone: 12-east, kind: panel_component, component: manual_call_point, label: Call point, panel: { uitd: uitd-a, systemType: 1, systemAddress: 1, partAddress: "12/1" } }
  - { id: pump-b1, building: tower-a, floor: 3, zone: pump-room, kind: panel_component, component: pump, label: Fire pump, panel: { uitd: uitd-a, systemType: 1, systemAddress: 1, partAddress: "0/1" } }
uitds:
  - { id: uitd-a, building: tower-a, address: 889 }
`

const NONE: PanelBits = {
  fire: false,
  fault: false,
  disabled: false,
  supervisory: false,
  started: false,
  feedback: false,
  delayed: false,
  powerFault: false,
  test: false,
}

function setup(emit?: (s: AlertSignal) => void) {
  const site = parseSite(SITE)
  const signals: AlertSignal[] = []
  const engine = createEngine({
    site,
    clock: { now: () => T0 },
    emit: (s) => {
      emit?.(s)
      signals.push(s)
    },
  })
  const report = (
    device: string,
    bits: Partial<PanelBits>,
    sec: number,
    extra: Partial<PanelStatus> = {},
  ) => {
    const d = site.device(device)
    const status: PanelStatus = {
      device,
      declared: d !== undefined,
      source: 'component',
      uitd: 'uitd-a',
      building: 'tower-a',
      floor: d?.floor ?? 1,
      zone: d?.zone ?? 'unplaced',
      bits: { ...NONE, ...bits },
      description: 'panel text',
      address: '1.1.23.65548',
      ts: T0 + sec * 1000,
      receivedAt: T0 + sec * 1000,
      ...extra,
    }
    return engine.panel(status)
  }
  const link = (kind: UitdLinkEvent['kind'], sec: number) =>
    engine.uitdLink({
      uitd: 'uitd-a',
      building: 'tower-a',
      floor: 1,
      zone: 'fcr',
      kind,
      detail: null,
      at: T0 + sec * 1000,
    })
  const brief = () => signals.map((s) => `${s.type} ${s.rule} ${s.device}${s.scope ? ` ${s.scope}` : ''}`)
  return { engine, signals, report, link, brief }
}

describe('Rule engine: a fire panel through its UITD', () => {
  it('When a call point reports fire, then panel.fire raises at once, latched, again on each report, and never clears', () => {
    const h = setup()
    expect(h.report('mcp-12', { fire: true }, 1)).toBe(true)
    expect(h.signals[0]).toMatchObject({
      type: 'raise',
      rule: 'panel.fire',
      class: 'fire',
      latched: true,
      floor: 12,
    })
    h.report('mcp-12', { fire: true, fault: true }, 2)
    h.report('mcp-12', {}, 3)
    expect(h.brief()).toEqual([
      'raise panel.fire mcp-12',
      'raise panel.fire mcp-12',
      'raise panel.fault mcp-12',
      'clear panel.fault mcp-12',
    ])
  })

  it('When a pump starts, reports feedback, then stops, then panel.operated raises once and clears once', () => {
    const h = setup()
    h.report('pump-b1', { started: true }, 1)
    h.report('pump-b1', { started: true, feedback: true }, 2)
    h.report('pump-b1', { feedback: true }, 3)
    h.report('pump-b1', {}, 4)
    expect(h.brief()).toEqual(['raise panel.operated pump-b1', 'clear panel.operated pump-b1'])
    expect(h.signals[0]).toMatchObject({ class: 'supervisory', detail: 'panel text' })
  })

  it('When a part is disabled at the panel or under test, then nothing raises, and a fire under test still raises', () => {
    const h = setup()
    h.report('mcp-12', { disabled: true }, 1)
    h.report('mcp-12', { test: true }, 2)
    expect(h.signals).toEqual([])
    h.report('mcp-12', { fire: true, test: true }, 3)
    expect(h.signals).toEqual([
      expect.objectContaining({ rule: 'panel.fire', detail: 'panel text (panel in test mode)' }),
    ])
  })

  it('When a part the site does not declare reports, then its states raise on a building-wide placeholder and clear with their bits', () => {
    const h = setup()
    const learned = { device: 'learned:uitd-a/1.1.65563', declared: false, zone: '27F call point' }
    h.report(learned.device, { fault: true }, 1, learned)
    h.report(learned.device, { fire: true, fault: true }, 2, learned)
    h.report(learned.device, {}, 3, learned)
    // A key not seen since start-up also sends clears for the bits that are clear, so that an
    // alert left open before a restart ends: those of rules never raised change nothing.
    expect(h.brief().filter((b) => /panel\.(fire|fault) /.test(b))).toEqual([
      'raise panel.fault learned:uitd-a/1.1.65563 building',
      'raise panel.fire learned:uitd-a/1.1.65563 building',
      'raise panel.fault learned:uitd-a/1.1.65563 building',
      'clear panel.fault learned:uitd-a/1.1.65563 building',
    ])
    const fire = h.signals.find((x) => x.rule === 'panel.fire')!
    expect(fire).toMatchObject({ class: 'fire', latched: true, zone: '27F call point' })
    expect(fire.detail).toContain('not in the site file, reported by uitd-a')
  })

  it('When the UITD goes silent, speaks again and misses a patrol check, then uitd.offline raises and clears and uitd.patrol_missed raises', () => {
    const h = setup()
    h.link('silent', 1)
    h.link('seen', 2)
    h.link('patrol-answered', 3)
    h.link('patrol-missed', 4)
    expect(h.brief()).toEqual([
      'raise uitd.offline uitd-a device',
      'clear uitd.offline uitd-a device',
      'raise uitd.patrol_missed uitd-a device',
    ])
    expect(h.signals[2]).toMatchObject({ class: 'supervisory', latched: true })
  })

  it('When the alert store refuses a raise, then the report is not delivered and its retransmission raises anew', () => {
    let fail = true
    const h = setup((s) => {
      if (fail && s.type === 'raise') throw new Error('disk full')
    })
    expect(h.report('pump-b1', { started: true }, 1)).toBe(false)
    fail = false
    expect(h.report('pump-b1', { started: true }, 2)).toBe(true)
    expect(h.brief()).toEqual(['raise panel.operated pump-b1'])
  })
})
