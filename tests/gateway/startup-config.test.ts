import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { ROOT, tempDataDir } from '../support/gateway-launcher.ts'

const run = promisify(execFile)

async function start(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  const result = await run(process.execPath, ['--import', 'tsx', join(ROOT, 'gateway/main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      MQTT_PORT: '0',
      HTTP_PORT: '0',
      BIND_HOST: '127.0.0.1',
      DATA_DIR: tempDataDir(),
      ...env,
    },
    timeout: 20_000,
  }).then(
    () => ({ code: 0, stderr: '' }),
    (e: { code: number; stderr: string }) => e,
  )
  return { code: result.code, stderr: result.stderr }
}

function siteFile(text: string): string {
  const file = join(tempDataDir(), 'site.yaml')
  writeFileSync(file, text)
  return file
}

describe('Start-up configuration', () => {
  it('When an environment variable is invalid, then start-up stops with exit 78 naming it', async () => {
    const { code, stderr } = await start({ MQTT_PORT: 'eighty' })
    expect(code).toBe(78)
    expect(stderr).toContain('MQTT_PORT')
  })

  it('When the site file has a bad field, then start-up stops naming the line and field', async () => {
    const file = siteFile(
      [
        'site: { name: X, timezone: Asia/Shanghai }',
        'buildings:',
        '  - { id: tower-a, name: A, floors: 10 }',
        'devices:',
        '  - { id: d1, building: tower-a, floor: 40, zone: z, kind: smoke_detector, label: L, secret: abcd }',
      ].join('\n'),
    )
    const { code, stderr } = await start({ FIREWATCH_SITE: file })
    expect(code).toBe(78)
    expect(stderr).toMatch(/site\.yaml:5 devices\[0\]\.floor: floor 40 is not in tower-a/)
  })

  it('When a rule override names an unknown rule, then start-up stops naming it', async () => {
    const file = siteFile(
      [
        'site: { name: X, timezone: Asia/Shanghai }',
        'rules: { pressure.lowest: { threshold: 0.1 } }',
        'buildings: [{ id: tower-a, name: A, floors: 10 }]',
        'devices: []',
      ].join('\n'),
    )
    const { code, stderr } = await start({ FIREWATCH_SITE: file })
    expect(code).toBe(78)
    expect(stderr).toContain('rules.pressure.lowest: unknown rule')
  })

  it('When Aliyun is configured without a code for the all-clear template, then start-up stops with exit 78 naming FW_ALL_CLEAR and the language', async () => {
    const file = siteFile(
      [
        'site: { name: X, timezone: Asia/Shanghai, locale: zh-CN }',
        'buildings: [{ id: tower-a, name: A, floors: 10 }]',
        'devices: []',
      ].join('\n'),
    )
    const { code, stderr } = await start({
      FIREWATCH_SITE: file,
      SMS_PROVIDER: 'aliyun',
      ALIYUN_ACCESS_KEY_ID: 'LTAI5tFirewatchTestKey',
      ALIYUN_ACCESS_KEY_SECRET: 'aliyun-secret-0123456789abcdef',
      ALIYUN_SIGN_NAME: 'fire',
      ALIYUN_TEMPLATE_CODE: 'FW_ALERT=SMS_1,FW_DIGEST=SMS_2,FW_NOTICE=SMS_4',
    })
    expect(code).toBe(78)
    expect(stderr).toContain('ALIYUN_TEMPLATE_CODE: no template code for FW_ALL_CLEAR in zh-CN')
    expect(stderr).not.toContain('FW_ALERT')
  })

  it('When a connection cap or timeout is out of range or does not fit the open-file limit, then start-up stops with exit 78 naming it', async () => {
    const tooShort = await start({ HTTP_HEADERS_TIMEOUT_MS: '5' })
    expect(tooShort.code).toBe(78)
    expect(tooShort.stderr).toContain('HTTP_HEADERS_TIMEOUT_MS')
    const order = await start({ HTTP_HEADERS_TIMEOUT_MS: '20000', HTTP_REQUEST_TIMEOUT_MS: '10000' })
    expect(order.code).toBe(78)
    expect(order.stderr).toContain('HTTP_REQUEST_TIMEOUT_MS: must be at least HTTP_HEADERS_TIMEOUT_MS')
    // More MQTT connections than this process may open files.
    const tooMany = await start({ MQTT_MAX_CONNECTIONS: '1000000' })
    expect(tooMany.code).toBe(78)
    expect(tooMany.stderr).toMatch(/MQTT_MAX_CONNECTIONS: 1000000 does not fit in the open-file limit of \d+/)
  })

  it('When the site file does not exist, then start-up stops saying so', async () => {
    const { code, stderr } = await start({ FIREWATCH_SITE: '/nonexistent/site.yaml' })
    expect(code).toBe(78)
    expect(stderr).toContain('cannot read')
  })
})
