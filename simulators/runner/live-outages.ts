import { setTimeout as sleep } from 'node:timers/promises'
import { formatDuration } from '../scenario/duration.ts'
import type { Outage } from './live-fleet.ts'
import { SimulatorError } from './simulator-errors.ts'

/** Real time and scenario time of a live run: scenario ms = (monotonic - monoStart) x speed. */
export interface PlayClock {
  monoStart: number
  speed: number
}

/**
 * The run's report of lost connections, one line per outage of the gateway (connections lost
 * while others were still down count as the same one): how many devices, when in scenario time,
 * how long in real time. Their messages meanwhile waited and went out after the reconnect.
 */
export function outageNotes(outages: readonly Outage[], clock: PlayClock, endedAt: number): string[] {
  const sorted = [...outages].sort((a, b) => a.lostAt - b.lostAt)
  const episodes: Outage[][] = []
  let until = Number.NEGATIVE_INFINITY
  for (const o of sorted) {
    if (o.lostAt > until || episodes.length === 0) episodes.push([])
    episodes.at(-1)!.push(o)
    until = Math.max(until, o.backAt ?? Number.POSITIVE_INFINITY)
  }
  const at = (mono: number) => formatDuration(Math.max(0, (mono - clock.monoStart) * clock.speed))
  return episodes.map((group) => {
    const lost = Math.min(...group.map((o) => o.lostAt))
    const down = group.filter((o) => o.backAt === null).length
    const back = Math.max(...group.map((o) => o.backAt ?? endedAt))
    const devices = new Set(group.map((o) => o.device)).size
    const realMs = formatDuration(back - lost)
    const end =
      down === 0 ? `all back by ${at(back)} (${realMs} of real time)` : `${down} still down at the end`
    return (
      `gateway connection lost at ${at(lost)} (scenario time) for ${devices} devices, ${end}; ` +
      'their messages meanwhile were sent after the reconnect'
    )
  })
}

/**
 * Calls `read` until the gateway answers: after a restart during the run it may still be coming
 * up when the run ends. An HTTP error answer is not retried; at most `attempts` tries.
 */
export async function whenReachable<T>(read: () => Promise<T>, attempts = 40, pauseMs = 500): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read()
    } catch (err) {
      const unreachable = err instanceof SimulatorError && err.code === 'FGW_ERR_SIM_HTTP' && err.cause
      if (!unreachable || attempt >= attempts) throw err
      await sleep(pauseMs)
    }
  }
}
