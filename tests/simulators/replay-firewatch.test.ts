import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRecorder } from '../../simulators/record/recorder.ts'
import type { RecordedMessage } from '../../simulators/record/recording-format.ts'
import { readRecording } from '../../simulators/record/recording-reader.ts'
import { RecordingWriter } from '../../simulators/record/recording-writer.ts'
import { systemClock } from '../../simulators/record/wall-clock.ts'
import { replayLive } from '../../simulators/replay/replay-live.ts'
import { apiClient, waitFor } from '../support/api-client.ts'
import { type GatewayUnderTest, ROOT, startTestGateway, TEST_SITE } from '../support/gateway-launcher.ts'

let gw: GatewayUnderTest
const dir = mkdtempSync(join(tmpdir(), 'firewatch-replay-gw-'))
const STARTED = 1_700_000_000_000
/** The recorded devices' clocks ran a minute behind: within the gateway's 5 min skew, so kept. */
const DEVICE_LAG = 60_000

beforeAll(async () => {
  gw = await startTestGateway()
})
afterAll(async () => {
  await gw?.stop()
  rmSync(dir, { recursive: true, force: true })
})

const at = (t: number, topic: string, body: unknown, retain = false): RecordedMessage => ({
  t,
  wall: STARTED + t,
  topic,
  qos: 1,
  retain,
  payload: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
})
const ts = (t: number) => STARTED + t - DEVICE_LAG

const RECORDED: RecordedMessage[] = [
  at(0, 'fw/tower-a/ta-12-smoke-01/status', 'online', true),
  at(0, 'fw/tower-b/tb-01-pump-01/telemetry', { ts: ts(0), seq: 1, metrics: { pressure_mpa: 0.55 } }),
  at(200, 'fw/tower-a/ta-12-smoke-01/telemetry', {
    ts: ts(200),
    seq: 1,
    metrics: { smoke_dbm: 0.03, battery_pct: 96 },
  }),
  // Gateway-to-subscriber traffic a recorder also sees: never published by devices.
  at(400, 'fw/tower-a/alerts', { id: 'old-alert', class: 'fire' }),
  at(600, 'fw/tower-a/ta-12-smoke-01/error', { error: 'FGW_ERR_X' }),
  at(800, 'fw/tower-a/ghost-01/telemetry', { metrics: { smoke_dbm: 0.01 } }),
  at(1000, 'fw/tower-a/ta-12-smoke-01/event', { ts: ts(1000), event: 'fire_alarm', detail: 'replayed' }),
  at(1200, 'fw/tower-b/tb-01-pump-01/telemetry', { ts: ts(1200), seq: 2, metrics: { pressure_mpa: 0.57 } }),
]

describe('replay into Firewatch', () => {
  it('When a recording is replayed with the site file, then devices log in as themselves, the fire alert opens, the latest values arrive and a brigade recorder sees it all', async () => {
    const file = join(dir, 'fire.jsonl')
    const writer = await RecordingWriter.open(file, {
      format: 'firewatch-recording',
      version: 1,
      startedAt: STARTED,
      source: 'mqtt://site',
    })
    for (const m of RECORDED) writer.write(m)
    await writer.close()
    // The same traffic recorded from Firewatch itself, logged in as the brigade token.
    const recorder = await startRecorder({
      url: gw.mqttUrl,
      username: 'brigade',
      password: 'brigade-token',
      out: join(dir, 'seen.jsonl'),
    })
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'simulators/cli.ts',
        'replay',
        file,
        '--url',
        gw.mqttUrl,
        '--site',
        TEST_SITE,
        '--speed',
        '4',
      ],
      { cwd: ROOT },
    )
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString()
    })
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString()
    })
    const code = await new Promise((resolve) => child.once('close', resolve))
    expect(code, stderr).toBe(0)
    expect(stdout).toMatch(/replay summary\n\s+messages\s+5\n/)
    expect(stdout).toMatch(/skipped: not a device-to-gateway topic\s+2\n/)
    expect(stdout).toMatch(/skipped: device not in the site file\s+1\n/)
    expect(stdout).toMatch(/failed\s+0\n/)

    const api = apiClient(gw.httpUrl, 'brigade-token')
    const { body } = await api.get('/api/v1/alerts')
    // Other alerts may come and go (the test site's 5 s heartbeat device goes offline); this one must be there.
    expect(body.alerts.filter((a: any) => a.device === 'ta-12-smoke-01')).toEqual([
      expect.objectContaining({
        device: 'ta-12-smoke-01',
        class: 'fire',
        rule: 'device.fire_alarm',
        state: 'open',
      }),
    ])
    const pump = await waitFor(async () => {
      const { body: building } = await api.get('/api/v1/buildings/tower-b')
      const devices = building.floors.flatMap((f: any) => f.zones.flatMap((z: any) => z.devices))
      const found = devices.find((d: any) => d.id === 'tb-01-pump-01')
      return found?.latest?.pressure_mpa?.value === 0.57 ? found : null
    })
    // Delivery to subscribers may trail the devices' PUBACKs: wait until the file holds the last reading.
    await waitFor(() =>
      readRecording(join(dir, 'seen.jsonl')).then(
        (r) => r.messages.some((m) => m.payload.toString().includes('0.57')),
        () => false,
      ),
    )
    const seen = await recorder.stop()
    expect(seen.byKind).toMatchObject({ telemetry: 3, event: 1, status: 1 })
    expect(seen.byKind.alerts).toBeGreaterThanOrEqual(1)
    const recorded = (await readRecording(join(dir, 'seen.jsonl'))).messages
    expect(
      recorded
        .filter((m) => m.topic.endsWith('/telemetry') || m.topic.endsWith('/event'))
        .map((m) => m.topic),
    ).toEqual(
      RECORDED.filter((m) => /^fw\/tower-.\/t.-\d\d-[a-z]+-01\/(telemetry|event)$/.test(m.topic)).map(
        (m) => m.topic,
      ),
    )
    // ts moved to replay time with the devices' one-minute lag intact (not replaced by receipt time).
    expect(Math.abs(pump.latest.pressure_mpa.ts - (systemClock.wall() - DEVICE_LAG))).toBeLessThan(10_000)
  })

  it('When a device secret in the site is wrong, then its messages fail and the summary says why', async () => {
    const summary = await replayLive(
      {
        header: { format: 'firewatch-recording', version: 1, startedAt: STARTED, source: 'x' },
        messages: RECORDED.slice(0, 3),
      },
      {
        url: gw.mqttUrl,
        devices: new Map([
          ['ta-12-smoke-01', { id: 'ta-12-smoke-01', building: 'tower-a', secret: 'wrong-secret' }],
          ['tb-01-pump-01', { id: 'tb-01-pump-01', building: 'tower-b', secret: 's3cret-tb-01' }],
        ]),
      },
    )
    expect(summary).toMatchObject({ total: 3, published: 1, failed: 2 })
    expect(summary.errors[0]).toMatch(/ta-12-smoke-01: cannot connect .*Not authorized/i)
  })
})
