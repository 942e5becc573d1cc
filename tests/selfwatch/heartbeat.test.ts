import { afterEach, describe, expect, it } from 'vitest'
import { GatewayEnv } from '../../gateway/config.ts'
import { apiClient, metricValue, waitFor } from '../support/api-client.ts'
import { freePort } from '../support/free-port.ts'
import { startTestGateway, TEST_SITE } from '../support/gateway-launcher.ts'
import { MonitorPeer } from './monitor-peer.ts'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function monitor(): Promise<MonitorPeer> {
  const peer = new MonitorPeer(await freePort())
  cleanups.push(() => peer.stop())
  return peer
}

async function gatewayBeatingTo(url: string, extra: Record<string, string> = {}) {
  const gw = await startTestGateway({ HEARTBEAT_URL: url, HEARTBEAT_INTERVAL_S: '1', ...extra })
  cleanups.push(() => gw.stop())
  const admin = apiClient(gw.httpUrl, 'admin-token')
  const metric = async (sample: string) => metricValue(await admin.text('/metrics'), sample)
  return { gw, admin, metric }
}

describe('Heartbeat to an outside monitor', () => {
  it('When HEARTBEAT_URL is set, then the monitor gets a JSON beat at start and at every interval, with the last self-test', async () => {
    const peer = await monitor()
    await peer.start()
    const { admin, metric } = await gatewayBeatingTo(`${peer.url}/ping/5bd1-secret`, {
      SELF_TEST_INTERVAL_S: '3600',
    })
    await waitFor(() => peer.beats.length >= 3, 10_000)
    for (const beat of peer.beats) {
      expect(beat).toMatchObject({
        method: 'POST',
        url: '/ping/5bd1-secret',
        contentType: 'application/json',
      })
      const body = JSON.parse(beat.body)
      expect(body.status).toBe('ok')
      expect(Number.isNaN(Date.parse(body.time))).toBe(false)
    }
    // Once the first self-test is done, the beats carry its result.
    const withTest = await waitFor(
      () => peer.beats.map((b) => JSON.parse(b.body)).find((b) => b.selfTest),
      10_000,
    )
    expect(withTest.selfTest).toMatchObject({ passed: true, failure: null })
    expect(await metric('firewatch_heartbeat_sent_total')).toBeGreaterThanOrEqual(3)
    // Failed beats are not asserted to be 0: on a loaded machine an answer may come later than the
    // 1 s interval (which caps the timeout), and that is a failed beat by design.
    expect(await metric('firewatch_heartbeat_last_success_timestamp_seconds')).toBeGreaterThan(0)
    const report = (await admin.get('/api/v1/self-test')).body
    expect(report.heartbeat).toMatchObject({ enabled: true, intervalSec: 1 })
    expect(report.heartbeat.sent).toBeGreaterThanOrEqual(3)
    expect(report.heartbeat.lastSuccessAt).not.toBeNull()
  })

  it('When the monitor is down and then up again, then beats are counted as failed, then succeed, and the gateway serves throughout', async () => {
    const peer = await monitor()
    const { gw, admin, metric } = await gatewayBeatingTo(`${peer.url}/api/push/kuma?status=up`, {
      HEARTBEAT_METHOD: 'GET',
    })
    await waitFor(async () => (await metric('firewatch_heartbeat_failed_total')) >= 2, 10_000)
    expect(await metric('firewatch_heartbeat_sent_total')).toBe(0)
    expect((await admin.get('/api/v1/alerts')).status).toBe(200)
    expect((await fetch(`${gw.httpUrl}/healthz`)).status).toBe(200)

    await peer.start()
    await waitFor(async () => (await metric('firewatch_heartbeat_sent_total')) >= 1, 10_000)
    expect(peer.beats[0]).toMatchObject({ method: 'GET', url: '/api/push/kuma?status=up', body: '' })
    const report = (await admin.get('/api/v1/self-test')).body.heartbeat
    expect(report.failed).toBeGreaterThanOrEqual(2)
    expect(report.lastSuccessAt).not.toBeNull()
  })

  it('When the monitor takes the request and never answers, then the beat times out as a failure and the next one goes out', async () => {
    const peer = await monitor()
    peer.hang = true
    await peer.start()
    const { metric } = await gatewayBeatingTo(peer.url, { HEARTBEAT_TIMEOUT_MS: '300' })
    await waitFor(async () => (await metric('firewatch_heartbeat_failed_total')) >= 2, 10_000)
    expect(peer.beats.length).toBeGreaterThanOrEqual(2)
    expect(await metric('firewatch_heartbeat_sent_total')).toBe(0)
  })
})

describe('Self-watch settings', () => {
  const parse = (env: Record<string, string>) => GatewayEnv.safeParse({ FIREWATCH_SITE: TEST_SITE, ...env })
  const problems = (env: Record<string, string>) => {
    const parsed = parse(env)
    return parsed.success ? [] : parsed.error.issues.map((i) => i.path.join('.'))
  }

  it('When a self-watch setting is bad, then start-up is refused naming it', () => {
    expect(problems({ HEARTBEAT_URL: 'ftp://monitor.example.com/ping' })).toEqual(['HEARTBEAT_URL'])
    expect(problems({ HEARTBEAT_INTERVAL_S: '0' })).toEqual(['HEARTBEAT_INTERVAL_S'])
    expect(problems({ HEARTBEAT_METHOD: 'PUT' })).toEqual(['HEARTBEAT_METHOD'])
    expect(problems({ SELF_TEST_INTERVAL_S: '5' })).toEqual(['SELF_TEST_INTERVAL_S'])
  })

  it('When nothing is set, then the self-test runs every 300 s and no heartbeat is sent', () => {
    const parsed = parse({})
    expect(parsed.success && parsed.data.SELF_TEST_INTERVAL_S).toBe(300)
    expect(parsed.success && parsed.data.HEARTBEAT_URL).toBeUndefined()
  })
})
