import { readdirSync } from 'node:fs'
import { request } from 'node:http'
import { connectAsync, type MqttClient } from 'mqtt'
import { statusKb } from './proc-stats.ts'

/** What the legitimate side saw during one phase of the exhaustion bench. */
export interface PhaseFigures {
  logins: number
  loginFailures: number
  /** Connect to CONNACK of the successful logins, ms. */
  loginMs: number[]
  /** Why logins failed: error message → count. */
  failures: Map<string, number>
  alarms: number
  /** Alarm sent (event ts) to its alert received, ms. */
  alertMs: number[]
  health: number
  healthFailures: number
  maxFds: number
  maxRssKb: number
}

export function emptyFigures(): PhaseFigures {
  return {
    logins: 0,
    loginFailures: 0,
    loginMs: [],
    failures: new Map(),
    alarms: 0,
    alertMs: [],
    health: 0,
    healthFailures: 0,
    maxFds: 0,
    maxRssKb: 0,
  }
}

/** The figures of the phase running now; the probes write into it. */
export interface PhaseClock {
  current(): PhaseFigures
}

export interface Sample {
  atMs: number
  phase: string
  fds: number | null
  rssKb: number | null
}

/** Open descriptors of a process (/proc/<pid>/fd), null once it is gone. */
export function openFds(pid: number): number | null {
  try {
    return readdirSync(`/proc/${pid}/fd`).length
  } catch {
    return null
  }
}

/** Samples the gateway's descriptors and RSS every `everyMs` into the timeline and the phase's maxima. */
export function sampleProcess(pid: number, phase: () => string, figures: PhaseClock, everyMs = 500) {
  const samples: Sample[] = []
  const started = Date.now()
  const take = () => {
    const fds = openFds(pid)
    const rssKb = statusKb(pid, 'VmRSS')
    samples.push({ atMs: Date.now() - started, phase: phase(), fds, rssKb })
    const f = figures.current()
    if (fds !== null) f.maxFds = Math.max(f.maxFds, fds)
    if (rssKb !== null) f.maxRssKb = Math.max(f.maxRssKb, rssKb)
  }
  take()
  const timer = setInterval(take, everyMs)
  return { samples, stop: () => clearInterval(timer) }
}

export interface Device {
  id: string
  building: string
  secret: string
}

/**
 * Legitimate devices logging in again and again (from 127.0.0.1): connect, one telemetry reading,
 * disconnect, a pause. Every login's time and every failure go into the running phase.
 */
export function cycleLogins(url: string, devices: readonly Device[], figures: PhaseClock, pauseMs: number) {
  let running = true
  const loop = async (device: Device, n: number) => {
    while (running) {
      const started = performance.now()
      try {
        // allowRetries false: a connection closed at accept (over a cap) is a refusal, not a hang.
        const options = { username: device.id, password: device.secret, clientId: `${device.id}~legit-${n}` }
        const client = await connectAsync(
          url,
          { ...options, reconnectPeriod: 0, connectTimeout: 5_000 },
          false,
        )
        figures.current().loginMs.push(performance.now() - started)
        figures.current().logins++
        const reading = JSON.stringify({ metrics: { battery_pct: 90 } })
        const sent = client.publishAsync(`fw/${device.building}/${device.id}/telemetry`, reading, { qos: 1 })
        await Promise.race([sent, sleep(5_000)]).catch(() => {})
        await client.endAsync(true)
      } catch (err) {
        const f = figures.current()
        f.loginFailures++
        const why = (err as Error).message.slice(0, 60)
        f.failures.set(why, (f.failures.get(why) ?? 0) + 1)
      }
      await sleep(pauseMs)
    }
  }
  const loops = devices.map((d, i) => loop(d, i))
  return {
    async stop() {
      running = false
      await Promise.all(loops)
    },
  }
}

/**
 * One smoke detector, connected before any attack, sends a fire_alarm every `everyMs`; a brigade
 * watcher times each alert from the event's ts (the alert's updatedAt) to its arrival.
 */
export async function alarmProbe(
  url: string,
  device: Device,
  token: { name: string; token: string },
  figures: PhaseClock,
  everyMs: number,
) {
  const login = (username: string, password: string, clientId: string) =>
    connectAsync(url, { username, password, clientId, reconnectPeriod: 0, connectTimeout: 10_000 }, false)
  const watcher: MqttClient = await login(token.name, token.token, 'exhaustion-alert-watcher')
  const pending = new Map<number, PhaseFigures>()
  watcher.on('message', (_topic, payload) => {
    const alert = JSON.parse(payload.toString()) as { device?: string; updatedAt?: string }
    const ts = alert.updatedAt ? Date.parse(alert.updatedAt) : Number.NaN
    const phase = pending.get(ts)
    if (alert.device !== device.id || !phase) return
    pending.delete(ts)
    phase.alertMs.push(Date.now() - ts)
  })
  await watcher.subscribeAsync(`fw/${device.building}/alerts`, { qos: 1 })
  const sender = await login(device.id, device.secret, `${device.id}~alarm`)
  const topic = `fw/${device.building}/${device.id}/event`
  const timer = setInterval(() => {
    const ts = Date.now()
    pending.set(ts, figures.current())
    figures.current().alarms++
    sender.publish(topic, JSON.stringify({ event: 'fire_alarm', ts }), { qos: 1 })
  }, everyMs)
  return {
    /** Alarms whose alert never came. */
    missing: () => pending.size,
    async stop() {
      clearInterval(timer)
      await new Promise((r) => setTimeout(r, 1_500))
      await Promise.all([sender.endAsync(true), watcher.endAsync(true)])
    },
  }
}

/**
 * GET /healthz from the gateway's own host every second, 2 s allowed for each, each on a new
 * connection as a container's health check makes it (a pooled one would never need a descriptor).
 */
export function pollHealth(http: string, figures: PhaseClock) {
  const check = (f: PhaseFigures) => {
    const req = request(`${http}/healthz`, { agent: false, timeout: 2_000 }, (res) => {
      res.resume()
      if (res.statusCode === 200) f.health++
      else f.healthFailures++
    })
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', () => f.healthFailures++)
    req.end()
  }
  const timer = setInterval(() => check(figures.current()), 1_000)
  return { stop: () => clearInterval(timer) }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}
