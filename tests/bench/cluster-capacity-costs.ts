import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import pg from 'pg'
import { PartitionAlarm } from '../../gateway/cluster/partition-alarm.ts'
import { migrateClusterSchema } from '../../gateway/cluster/pg-schema.ts'
import { encodeBody, type StreamBody } from '../../gateway/cluster/stream-message.ts'
import { deviceReading } from '../../ingest/reading.ts'
import { loadSite } from '../../ingest/site/load-site.ts'
import { startNatsCluster } from '../support/nats-cluster.ts'
import { startPostgres } from '../support/postgres-server.ts'

// The measured unit costs of the capacity model (docs/cluster.md "Capacity"), each bounded in time.

const silent = { info() {}, warn() {}, error() {}, debug() {} }

/** A site of `buildings` × `perBuilding` smoke detectors (one partition's share at city scale). */
export function writeCapacitySite(dir: string, buildings: number, perBuilding: number): string {
  const lines = ['site: { name: Capacity, timezone: Asia/Shanghai, offlineGraceSec: 600 }', 'buildings:']
  for (let b = 0; b < buildings; b++) lines.push(`  - { id: cb-${b}, name: cb-${b}, floors: 10 }`)
  lines.push('devices:')
  for (let b = 0; b < buildings; b++)
    for (let d = 0; d < perBuilding; d++)
      lines.push(
        `  - { id: cb-${b}-d${d}, building: cb-${b}, floor: ${1 + (d % 10)}, zone: z${d % 4}, kind: smoke_detector, label: d, secret: s-cb-${b}-d${d} }`,
      )
  const file = join(dir, 'capacity-site.yaml')
  writeFileSync(file, `${lines.join('\n')}\n`)
  return file
}

/** The message of one device: smoke and battery, as the front end puts it on the stream. */
function messageOf(
  device: Parameters<typeof deviceReading>[0],
  at: number,
  seq: number,
  low: boolean,
): StreamBody {
  const reading = (family: 'smoke_dbm' | 'battery_pct', value: number) =>
    deviceReading(device, family, { family, channel: null }, value, at, at, seq)
  return { kind: 'readings', readings: [reading('smoke_dbm', 0.02), reading('battery_pct', low ? 10 : 80)] }
}

export interface AlarmPathCost {
  devices: number
  messages: number
  transitions: number
  cpuMs: number
  messagesPerCoreSec: number
}

/**
 * One partition's alarm path (gateway/cluster/partition-alarm.ts, as the worker runs it) over
 * `devices` detectors each reporting every `intervalSec` of log time, with one message in
 * `alarmEvery` a low battery (raise, cleared by the device's next message): CPU per message.
 */
export function measureAlarmPath(
  file: string,
  intervalSec: number,
  alarmEvery: number,
  maxMs: number,
): AlarmPathCost {
  const site = loadSite(file, {}, { clock: { now: () => 0 } })
  const alarm = new PartitionAlarm(0, site, silent)
  const devices = site.devices
  const stepMs = (intervalSec * 1000) / devices.length
  const t0 = Date.UTC(2026, 11, 1)
  const started = performance.now()
  const cpu = process.cpuUsage()
  let transitions = 0
  let n = 0
  const lowUntil = new Set<number>()
  for (; n < 2_000_000 && (n % 1000 !== 0 || performance.now() - started < maxMs); n++) {
    const i = n % devices.length
    const low = n % alarmEvery === 0
    if (low) lowUntil.add(i)
    else lowUntil.delete(i)
    transitions += alarm.handle(n + 1, messageOf(devices[i]!, Math.round(t0 + n * stepMs), n + 1, low)).length
  }
  const used = process.cpuUsage(cpu)
  alarm.close()
  const cpuMs = (used.user + used.system) / 1000
  return { devices: devices.length, messages: n, transitions, cpuMs, messagesPerCoreSec: (n * 1000) / cpuMs }
}

/** R3 publishes confirmed per second on the three local servers, `window` in flight, with message ids. */
export async function measureJetStream(
  seconds: number,
  window: number,
): Promise<{ published: number; perSec: number; bytes: number }> {
  const nats = await startNatsCluster()
  const nc = await connect({ servers: nats.servers })
  try {
    const jsm = await jetstreamManager(nc)
    await jsm.streams.add({
      name: 'CAPACITY',
      subjects: ['cap.>'],
      num_replicas: 3,
      duplicate_window: 120_000_000_000,
    })
    const js = jetstream(nc)
    const site = { id: 'cb-0-d0', building: 'cb-0', floor: 1, zone: 'z0', kind: 'smoke_detector' }
    const payload = encodeBody(messageOf(site as Parameters<typeof deviceReading>[0], Date.now(), 1, false))
    const until = performance.now() + seconds * 1000
    let published = 0
    const started = performance.now()
    await Promise.all(
      Array.from({ length: window }, async (_, w) => {
        for (let k = 0; performance.now() < until; k++) {
          await js.publish(`cap.p${w % 32}.cb-0.d${w}`, payload, { msgID: `d${w}:${k}` })
          published++
        }
      }),
    )
    return { published, perSec: (published * 1000) / (performance.now() - started), bytes: payload.length }
  } finally {
    await nc.close()
    await nats.stop()
  }
}

/**
 * The worker's batch transaction (gateway/cluster/partition-runner.ts): `transitions` rows into
 * fw_alert_transition and the partition's offset upserted, `clients` sessions at once.
 */
export async function measurePostgres(
  seconds: number,
  clients: number,
  transitions: number,
): Promise<{ commits: number; perSec: number }> {
  const server = await startPostgres()
  const url = await server.createDatabase()
  const sessions = Array.from({ length: clients }, () => new pg.Client({ connectionString: url }))
  try {
    for (const s of sessions) await s.connect()
    await migrateClusterSchema(sessions[0]!)
    let commits = 0
    const until = performance.now() + seconds * 1000
    const started = performance.now()
    await Promise.all(
      sessions.map(async (c, partition) => {
        for (let k = 1; performance.now() < until; k++) {
          await c.query('BEGIN')
          if (transitions > 0) {
            const rows = Array.from({ length: transitions }, (_, j) => transitionRow(partition, k, j))
            await c.query(
              `INSERT INTO fw_alert_transition
                 (alert_id, seq, partition, stream_seq, action, actor, at, building, device, rule, state, alert, committed_by)
               SELECT r.alert_id, r.seq, $1, r.stream_seq, r.action, r.actor, r.at, r.building, r.device, r.rule, r.state, r.alert, $2
                 FROM jsonb_to_recordset($3::jsonb) AS r(alert_id text, seq int, stream_seq bigint, action text, actor text,
                      at bigint, building text, device text, rule text, state text, alert jsonb)
               ON CONFLICT (alert_id, seq) DO NOTHING`,
              [partition, 'bench', JSON.stringify(rows)],
            )
          }
          await c.query(
            `INSERT INTO fw_partition_offset (partition, stream_seq, committed_by) VALUES ($1, $2, $3)
             ON CONFLICT (partition) DO UPDATE SET stream_seq = $2, committed_by = $3, committed_at = now()`,
            [partition, k, 'bench'],
          )
          await c.query('COMMIT')
          commits++
        }
      }),
    )
    return { commits, perSec: (commits * 1000) / (performance.now() - started) }
  } finally {
    await Promise.all(sessions.map((s) => s.end().catch(() => {})))
    await server.stop()
  }
}

function transitionRow(partition: number, k: number, j: number) {
  const alert = {
    id: `p${partition}/alert-${k}-${j}`,
    rule: 'battery.low',
    building: 'cb-0',
    device: 'cb-0-d0',
    state: 'active',
  }
  return {
    alert_id: alert.id,
    seq: 1,
    stream_seq: k,
    action: 'raised',
    actor: 'system',
    at: k,
    building: 'cb-0',
    device: 'cb-0-d0',
    rule: 'battery.low',
    state: 'active',
    alert,
  }
}
