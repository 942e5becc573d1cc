import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { freePort } from '../support/free-port.ts'
import { ROOT, TEST_SITE, tempDataDir } from '../support/gateway-launcher.ts'
import { type NatsClusterUnderTest, startNatsCluster } from '../support/nats-cluster.ts'

// Cluster mode's start-up settings (docs/cluster.md "Running cluster mode"): a half-configured or
// unreachable cluster stops the node with exit 78 and the name of the setting to fix.

const run = promisify(execFile)

async function start(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  const result = await run(process.execPath, ['--import', 'tsx', join(ROOT, 'gateway/main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      FIREWATCH_SITE: TEST_SITE,
      MQTT_PORT: '0',
      HTTP_PORT: '0',
      BIND_HOST: '127.0.0.1',
      DATA_DIR: tempDataDir(),
      CLUSTER_CONNECT_TIMEOUT_MS: '1000',
      ...env,
    },
    timeout: 30_000,
  }).then(
    () => ({ code: 0, stderr: '' }),
    (e: { code: number; stderr: string }) => e,
  )
  return { code: result.code, stderr: result.stderr }
}

/** A loopback port nobody listens on. */
async function closedUrl(scheme: string): Promise<string> {
  return `${scheme}://127.0.0.1:${await freePort()}${scheme === 'postgres' ? '/firewatch' : ''}`
}

describe('Cluster mode start-up', () => {
  let nats: NatsClusterUnderTest | undefined

  afterAll(async () => {
    await nats?.stop()
  })

  it('When NATS_URL is set without DATABASE_URL, then start-up stops naming DATABASE_URL', async () => {
    const { code, stderr } = await start({ NATS_URL: await closedUrl('nats') })
    expect(code).toBe(78)
    expect(stderr).toMatch(/DATABASE_URL: cluster mode needs it beside NATS_URL/)
  })

  it('When DATABASE_URL is set without NATS_URL, then start-up stops naming NATS_URL', async () => {
    const { code, stderr } = await start({ DATABASE_URL: await closedUrl('postgres') })
    expect(code).toBe(78)
    expect(stderr).toMatch(/NATS_URL: cluster mode needs it beside DATABASE_URL/)
  })

  it('When a cluster setting is out of range, then start-up stops naming it', async () => {
    const { code, stderr } = await start({
      NATS_URL: 'nats://127.0.0.1:4222, http://x',
      DATABASE_URL: 'mysql://db',
      CLUSTER_PARTITIONS: '0',
      CLUSTER_LEASE_SEC: '1',
      NODE_ID: 'a b',
    })
    expect(code).toBe(78)
    for (const name of ['NATS_URL', 'DATABASE_URL', 'CLUSTER_PARTITIONS', 'CLUSTER_LEASE_SEC', 'NODE_ID'])
      expect(stderr).toContain(name)
  })

  it('When no NATS server answers, then start-up stops naming NATS_URL', async () => {
    const { code, stderr } = await start({
      NATS_URL: await closedUrl('nats'),
      DATABASE_URL: await closedUrl('postgres'),
    })
    expect(code).toBe(78)
    expect(stderr).toMatch(/^NATS_URL: cannot connect/m)
  })

  it('When NATS answers but PostgreSQL does not, then start-up stops naming DATABASE_URL', async () => {
    nats = await startNatsCluster()
    const { code, stderr } = await start({ NATS_URL: nats.url, DATABASE_URL: await closedUrl('postgres') })
    expect(code).toBe(78)
    expect(stderr).toMatch(/^DATABASE_URL: cannot connect/m)
  }, 60_000)
})
