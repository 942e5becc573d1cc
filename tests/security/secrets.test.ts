import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadSite } from '../../ingest/site/load-site.ts'
import { HASHED_SECRET, hashSecret, verifySecret } from '../../ingest/site/secret-hash.ts'
import { apiClient } from '../support/api-client.ts'
import { type GatewayUnderTest, ROOT, startTestGateway } from '../support/gateway-launcher.ts'
import { connectClient } from '../support/mqtt-peers.ts'
import { siteWithStoredSecrets } from './site-variants.ts'

const run = promisify(execFile)
let gw: GatewayUnderTest
const clients: MqttClient[] = []
const login = (user: string, pass: string) =>
  connectClient(gw.mqttUrl, user, pass).then(
    (c) => {
      clients.push(c)
      return 0
    },
    (e: Error & { code?: number }) => e.code ?? -1,
  )

beforeAll(async () => {
  const site = await siteWithStoredSecrets()
  gw = await startTestGateway({ FIREWATCH_SITE: site.file }, { secretEnv: site.env })
})
afterAll(async () => {
  await Promise.all(clients.map((c) => c.endAsync(true)))
  await gw?.stop()
})

describe('Hashed secrets', () => {
  it('When a secret is hashed, then only the same secret verifies, and each hash has its own salt', async () => {
    const [a, b] = [await hashSecret('fire-door-7'), await hashSecret('fire-door-7')]
    expect(a).toMatch(HASHED_SECRET)
    expect(a).not.toBe(b)
    expect(await verifySecret(a, 'fire-door-7')).toBe(true)
    expect(await verifySecret(a, 'fire-door-8')).toBe(false)
    expect(await verifySecret('plain-secret', 'plain-secret')).toBe(true)
    expect(await verifySecret('plain-secret', 'plain-secreT')).toBe(false)
  })

  it('When npm run hash-secret gets a secret on stdin, then it prints a hash that verifies it', async () => {
    const child = execFile(process.execPath, ['--import', 'tsx', join(ROOT, 'gateway/hash-secret-cli.ts')], {
      cwd: ROOT,
    })
    child.stdin!.end('pump-room-secret\n')
    const out = await new Promise<string>((resolve, reject) => {
      let text = ''
      child.stdout!.on('data', (c: Buffer) => {
        text += c.toString()
      })
      child.once('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`exit ${code}`))))
    })
    const hash = out.trim()
    expect(hash).toMatch(HASHED_SECRET)
    expect(await verifySecret(hash, 'pump-room-secret')).toBe(true)
    const refused = await run(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'gateway/hash-secret-cli.ts'), 'on-argv'],
      {
        cwd: ROOT,
      },
    ).then(
      () => 0,
      (e: { code: number }) => e.code,
    )
    expect(refused).toBe(64)
  })

  it('When a device has a hashed secret, then its secret logs in and a wrong one gets CONNACK 5', async () => {
    expect(await login('ta-12-smoke-01', 's3cret-ta-12')).toBe(0)
    expect(await login('ta-12-smoke-01', 's3cret-ta-12')).toBe(0)
    expect(await login('ta-12-smoke-01', 'scrypt-guess')).toBe(5)
  })

  it('When a device keeps a plain secret, then it still logs in', async () => {
    expect(await login('ta-12-smoke-02', 's3cret-ta-12b')).toBe(0)
    expect(await login('ta-12-smoke-02', 's3cret-ta-12')).toBe(5)
  })

  it('When a secret comes from an environment reference, then the value of the variable logs in', async () => {
    expect(await login('tb-03-smoke-01', 's3cret-tb-03-from-env')).toBe(0)
    expect(await login('tb-03-smoke-01', 's3cret-tb-03')).toBe(5)
  })

  it('When an API token is hashed, then it works as a bearer token and as an MQTT login; a wrong one gets 401', async () => {
    expect((await apiClient(gw.httpUrl, 'brigade-token').get('/api/v1/buildings')).status).toBe(200)
    expect((await apiClient(gw.httpUrl, 'brigade-token').get('/api/v1/alerts')).status).toBe(200)
    expect((await apiClient(gw.httpUrl, 'brigade-tokem').get('/api/v1/buildings')).status).toBe(401)
    expect((await apiClient(gw.httpUrl, 'manager-a-token').get('/api/v1/buildings')).status).toBe(200)
    expect(await login('brigade', 'brigade-token')).toBe(0)
    expect(await login('brigade', 'manager-a-token')).toBe(5)
  })
})

describe('Secrets in the site file', () => {
  it('When an environment reference names an unset variable, then loading stops naming the field and the variable', async () => {
    const { file } = await siteWithStoredSecrets()
    expect(() => loadSite(file, {})).toThrow(
      /devices\[6\]\.secret: environment variable FW_TB03_SECRET is not set/,
    )
  })

  it('When a hashed secret is malformed, then loading stops naming the field', async () => {
    const { file, env } = await siteWithStoredSecrets()
    const broken = readFileSync(file, 'utf8').replace(
      /secret: "scrypt\$[^"]+"/,
      'secret: "scrypt$tooshort$x"',
    )
    const { writeFileSync } = await import('node:fs')
    writeFileSync(file, broken)
    expect(() => loadSite(file, env)).toThrow(
      /devices\[0\]\.secret: a hashed secret is scrypt\$<salt>\$<hash>/,
    )
  })
})
