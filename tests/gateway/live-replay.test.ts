import { describe, expect, it } from 'vitest'
import type { Alert, AlertTransition } from '../../alerting/alert.ts'
import { LiveState } from '../../gateway/live-state.ts'
import { type LiveEvent, LiveStream } from '../../gateway/live-stream.ts'
import { loadSite } from '../../ingest/load-site.ts'
import { TEST_SITE } from '../support/paths.ts'

const site = loadSite(TEST_SITE)
const BOOT = 1_800_000_000_000

function transition(n: number, building: string, device: string): AlertTransition {
  const iso = new Date(BOOT + n).toISOString()
  const alert: Alert = {
    id: `alert-${n}`,
    building,
    floor: 3,
    zone: 'z',
    device,
    class: 'fault',
    rule: 'device.fault',
    metric: null,
    value: null,
    threshold: null,
    state: 'open',
    openedAt: iso,
    acknowledgedAt: null,
    resolvedAt: null,
    message: 'fault',
    latched: false,
    repeats: 0,
    updatedAt: iso,
    scope: 'device',
    evidence: [],
    tags: [],
    groupedUnder: null,
  }
  return { action: 'opened', alert, actor: 'system', at: BOOT + n, causeReceivedAt: null }
}

function streamWith(count: number, replayLimit: number): LiveStream {
  const live = new LiveState(site, [])
  const stream = new LiveStream({ live, clock: { now: () => BOOT }, activeAlerts: () => [], replayLimit })
  for (let n = 1; n <= count; n++) {
    const [b, d] = n % 2 === 0 ? ['tower-b', 'tb-03-smoke-01'] : ['tower-a', 'ta-12-smoke-01']
    stream.alertChanged(transition(n, b, d))
  }
  return stream
}

function collect(stream: LiveStream, scope: ReadonlySet<string> | null, lastId: number | null): LiveEvent[] {
  const got: LiveEvent[] = []
  stream.subscribe({ scope, send: (e) => got.push(e) }, lastId)
  stream.close()
  return got
}

describe('LiveStream replay log', () => {
  it('When the client resumes inside the log, then it gets exactly the later transitions of its scope', () => {
    const got = collect(streamWith(6, 4), new Set(['tower-a']), BOOT + 2)
    expect(got.map((e) => [e.event, e.id])).toEqual([
      ['alert', BOOT + 3],
      ['alert', BOOT + 5],
      ['devices', undefined],
    ])
    // Then the current colours and counts: the frames sent while it was away are not replayed.
    const frame = got.at(-1)!.data as { devices: { id: string }[]; buildings: { id: string }[] }
    expect(frame.devices.map((d) => d.id)).toEqual(['ta-12-smoke-01'])
    expect(frame.buildings.map((b) => b.id)).toEqual(['tower-a'])
  })

  it('When the client is up to date, then nothing is replayed and no snapshot is sent', () => {
    expect(collect(streamWith(6, 4), null, BOOT + 6)).toEqual([])
  })

  it('When the id has left the bounded log, then the client gets a snapshot instead', () => {
    // Log holds 3..6: resuming after 2 is still complete, after 1 it is not.
    const replayed = collect(streamWith(6, 4), null, BOOT + 2).filter((e) => e.event === 'alert')
    expect(replayed.map((e) => e.id)).toEqual([3, 4, 5, 6].map((n) => BOOT + n))
    const got = collect(streamWith(6, 4), null, BOOT + 1)
    expect(got).toEqual([{ event: 'snapshot', id: BOOT + 6, data: expect.anything() }])
  })
})

describe('LiveStream device frames', () => {
  it('When devices change every 5 ms, then frames go out at most 10 times a second, carrying every change', async () => {
    const stream = streamWith(0, 10)
    const frames: LiveEvent[] = []
    stream.subscribe({ scope: new Set(['tower-a']), send: (e) => frames.push(e) }, null)
    const started = performance.now()
    while (performance.now() - started < 500) {
      stream.deviceChanged('ta-12-smoke-01')
      stream.deviceChanged('tb-03-smoke-01')
      await new Promise((r) => setTimeout(r, 5))
    }
    await new Promise((r) => setTimeout(r, 150))
    stream.close()
    const devices = frames.filter((e) => e.event === 'devices')
    expect(devices.length).toBeGreaterThanOrEqual(3)
    expect(devices.length).toBeLessThanOrEqual(6)
    for (const f of devices) {
      // Scoped: the tower-b device never reaches a tower-a subscriber.
      expect((f.data as { devices: { id: string }[] }).devices.map((d) => d.id)).toEqual(['ta-12-smoke-01'])
    }
  })
})
