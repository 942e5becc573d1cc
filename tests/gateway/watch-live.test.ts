import { rmSync } from 'node:fs'
import { join } from 'node:path'
import pino from 'pino'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createAlertLifecycle } from '../../alerting/alert-lifecycle.ts'
import { AlertStore } from '../../alerting/alert-store.ts'
import { createEngine } from '../../alerting/engine.ts'
import { GatewayEnv } from '../../gateway/config.ts'
import { LiveState } from '../../gateway/live/live-state.ts'
import { type LiveEvent, LiveStream } from '../../gateway/live/live-stream.ts'
import { createGatewayMetrics } from '../../gateway/metrics.ts'
import { createNotifications } from '../../gateway/notify-wiring.ts'
import { createSchedules } from '../../gateway/schedule-wiring.ts'
import { NIGHT_WATCH, watchEstate } from '../schedules/watch-estate.ts'
import { tempDataDir } from '../support/gateway-launcher.ts'

// The gateway's schedule wiring with the real live state and stream: a heightened watch that
// begins or ends reaches the wall as a building update, with no device row to carry it.

const site = watchEstate('Asia/Shanghai', NIGHT_WATCH)

const utc = (iso: string) => Date.parse(iso)
let cleanup: (() => void)[] = []

afterEach(() => {
  vi.useRealTimers()
  for (const c of cleanup.reverse()) c()
  cleanup = []
})

function wire() {
  const dataDir = tempDataDir()
  const env = GatewayEnv.parse({ DATA_DIR: dataDir })
  const store = AlertStore.open(join(dataDir, 'alerts.db'))
  const clock = { now: () => utc('2026-11-22T11:00:00Z') }
  const live = new LiveState(site, [], clock)
  const liveStream = new LiveStream({ live, clock, activeAlerts: () => [], frameMs: 5 })
  cleanup.push(
    () => rmSync(dataDir, { recursive: true, force: true }),
    () => liveStream.close(),
    () => store.close(),
  )
  // The real engine, alert lifecycle and notifications on the temp SQLite store, as gateway.ts wires
  // them (without the fire layer and MQTT, which the watch does not reach).
  const log = pino({ level: 'silent' })
  const notify = createNotifications(env, {
    store,
    site,
    clock,
    log,
    metrics: createGatewayMetrics(),
    acknowledge: (id, actor, note) => lifecycle.acknowledge(id, actor, note),
  })
  const lifecycle = createAlertLifecycle({
    store,
    site,
    clock,
    log,
    withinTransaction: notify.notifier.withinTransaction,
    onTransition: (t) => {
      live.alertChanged(t)
      liveStream.alertChanged(t)
      notify.notifier.afterTransition(t)
    },
  })
  const engine = createEngine({ site, clock, emit: (signal) => lifecycle.apply(signal), log })
  const schedules = createSchedules(env, {
    site,
    store,
    clock,
    log,
    engine,
    lifecycle,
    notify,
    live,
    liveStream,
  })
  return { schedules, liveStream }
}

/** A wall client; `next` waits for the next event of a kind. */
function wall(stream: LiveStream, scope: ReadonlySet<string> | null) {
  const events: LiveEvent[] = []
  stream.subscribe({ scope, send: (e) => events.push(e) }, null)
  const next = async (kind: LiveEvent['event']) => {
    for (let i = 0; i < 100; i++) {
      const at = events.findIndex((e) => e.event === kind)
      if (at >= 0) return events.splice(0, at + 1)[at]!
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    throw new Error(`no ${kind} event`)
  }
  return { events, next }
}

const watchIds = (e: LiveEvent) =>
  (e.data as { buildings: { id: string; watch: { ids: string[] } | null }[] }).buildings.map((b) => [
    b.id,
    b.watch?.ids ?? null,
  ])

describe('a heightened watch on the wall', () => {
  it('When the night watch begins and ends, then the wall gets building updates carrying it, scoped to what it may see', async () => {
    const { schedules, liveStream } = wire()
    // 19:59 Shanghai: no watch yet.
    schedules.work.watch.run(utc('2026-11-22T11:59:00Z'))
    const brigade = wall(liveStream, null)
    const manager = wall(liveStream, new Set(['tower-b']))
    expect(watchIds(await brigade.next('snapshot'))).toEqual([
      ['tower-a', null],
      ['tower-b', null],
    ])
    await manager.next('snapshot')

    // 20:00 Shanghai: the watch begins on tower-a.
    schedules.work.watch.run(utc('2026-11-22T12:00:00Z'))
    const began = await brigade.next('devices')
    expect((began.data as { devices: unknown[] }).devices).toEqual([])
    expect(watchIds(began)).toEqual([
      ['tower-a', ['night']],
      ['tower-b', null],
    ])
    // The manager of tower-b gets its own building only.
    expect(watchIds(await manager.next('devices'))).toEqual([['tower-b', null]])

    // 06:00 Shanghai: it ends.
    schedules.work.watch.run(utc('2026-11-22T22:00:00Z'))
    expect(watchIds(await brigade.next('devices'))).toEqual([
      ['tower-a', null],
      ['tower-b', null],
    ])
  })

  it('When a building changes with no client connected, then nothing is queued for later', () => {
    // The stream's frame timer is fake: "nothing later" is checked well past its 5 ms frame.
    vi.useFakeTimers()
    const { liveStream } = wire()
    liveStream.buildingChanged('tower-a')
    const brigade = wall(liveStream, null)
    expect(brigade.events.splice(0).map((e) => e.event)).toEqual(['snapshot'])
    vi.advanceTimersByTime(1_000)
    expect(brigade.events).toEqual([])
  })
})
