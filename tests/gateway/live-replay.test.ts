import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Alert, AlertTransition } from '../../alerting/alert.ts'
import { LiveState } from '../../gateway/live/live-state.ts'
import { type DevicesEventData, type LiveEvent, LiveStream } from '../../gateway/live/live-stream.ts'
import type { Reading } from '../../ingest/reading.ts'
import { loadSite } from '../../ingest/site/load-site.ts'
import { TEST_SITE } from '../support/paths.ts'
import { readingOf } from '../support/readings.ts'

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
    incident: null,
  }
  return { action: 'opened', alert, actor: 'system', at: BOOT + n, causeReceivedAt: null }
}

function streamWith(count: number, replayLimit: number): LiveStream {
  const clock = { now: () => BOOT }
  const live = new LiveState(site, [], clock)
  const stream = new LiveStream({ live, clock, activeAlerts: () => [], replayLimit })
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

  it('When the client is up to date, then nothing is replayed and no snapshot is sent, only the current building summaries', () => {
    // Devices may have reported, or fallen silent (unknown), while the client was away.
    const got = collect(streamWith(6, 4), null, BOOT + 6)
    expect(got.map((e) => e.event)).toEqual(['devices'])
    const frame = got[0]!.data as DevicesEventData
    expect(frame.devices).toEqual([])
    expect(frame.buildings.map((b) => b.id)).toEqual(['tower-a', 'tower-b'])
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
  // The frame interval is the stream's own timer: fake timers make its windows exact, so the test
  // is about what the frames carry, not about how fast this machine runs.
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('When devices change every 5 ms, then each 100 ms window goes out as one frame with the latest value of every device in scope', () => {
    const clock = { now: () => BOOT }
    const live = new LiveState(site, [], clock)
    const stream = new LiveStream({ live, clock, activeAlerts: () => [] })
    const frames: DevicesEventData[] = []
    stream.subscribe(
      {
        scope: new Set(['tower-a']),
        send: (e) => e.event === 'devices' && frames.push(e.data as DevicesEventData),
      },
      null,
    )
    // Reading n of each device has value n: 100 rounds, 5 ms apart, i.e. 500 ms of the stream's time.
    for (let n = 1; n <= 100; n++) {
      for (const id of ['ta-12-smoke-01', 'ta-12-smoke-02', 'tb-03-smoke-01']) {
        live.readingAccepted(reading(id, n, BOOT + n * 5))
        stream.deviceChanged(id)
      }
      vi.advanceTimersByTime(5)
    }
    // Twenty changes per window are coalesced into one frame, which carries the window's last value;
    // the last change is not lost.
    expect(frames.map((f) => valuesOf(f))).toEqual(
      [20, 40, 60, 80, 100].map((v) => ({ 'ta-12-smoke-01': v, 'ta-12-smoke-02': v })),
    )
    // Scoped: the tower-b device never reaches a tower-a subscriber, nor do its building's counts.
    for (const f of frames) expect(f.buildings.map((b) => b.id)).toEqual(['tower-a'])
    // Once the devices are quiet, no further (empty) frame goes out.
    vi.advanceTimersByTime(1_000)
    expect(frames).toHaveLength(5)
    stream.close()
  })
})

describe('LiveStream silence sweep', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('When a device falls silent past its heartbeat, then a frame says it is unknown with no message from it', () => {
    let now = BOOT
    const clock = { now: () => now }
    const live = new LiveState(site, [], clock)
    const stream = new LiveStream({ live, clock, activeAlerts: () => [], sweepMs: 1000 })
    const frames: DevicesEventData[] = []
    stream.subscribe(
      { scope: null, send: (e) => e.event === 'devices' && frames.push(e.data as DevicesEventData) },
      null,
    )
    live.readingAccepted(reading('tb-03-smoke-01', 0.01, BOOT))
    stream.deviceChanged('tb-03-smoke-01')
    vi.advanceTimersByTime(1000)
    expect(frames.map((f) => f.devices.map((d) => [d.id, d.status]))).toEqual([[['tb-03-smoke-01', 'green']]])
    // 60 s heartbeat x 3 missed (the site defaults): still green at 180 s, unknown after.
    now = BOOT + 180_000
    vi.advanceTimersByTime(1000)
    expect(frames).toHaveLength(1)
    now = BOOT + 181_000
    vi.advanceTimersByTime(1100)
    expect(frames).toHaveLength(2)
    expect(frames[1]!.devices.map((d) => [d.id, d.status])).toEqual([['tb-03-smoke-01', 'unknown']])
    expect(frames[1]!.buildings.map((b) => [b.id, b.status, b.counts.unknown])).toEqual([
      ['tower-b', 'unknown', 2],
    ])
    // Said once: the next sweeps find nothing new.
    vi.advanceTimersByTime(5000)
    expect(frames).toHaveLength(2)
    stream.close()
  })
})

function reading(device: string, value: number, ts: number): Reading {
  return readingOf(site.device(device)!, 'smoke_dbm', value, ts)
}

/** The smoke value of each device in a frame, by device id. */
function valuesOf(frame: DevicesEventData): Record<string, number | undefined> {
  return Object.fromEntries(frame.devices.map((d) => [d.id, d.latest.smoke_dbm?.value]))
}
