import { spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { describe, expect, it } from 'vitest'
import { parseGatewayEnv } from '../../gateway/config.ts'
import { demoSiteFile } from '../../gateway/demo-sites.ts'
import { loadSite } from '../../ingest/site/load-site.ts'
import type { SiteFile } from '../../ingest/site/site-schema.ts'
import { formatReport } from '../../simulators/runner/report.ts'
import { runScenarioVirtual } from '../../simulators/runner/virtual-runner.ts'
import { loadScenario } from '../../simulators/scenario/load-scenario.ts'
import { ROOT, TEST_SITE, tempDataDir } from '../support/gateway-launcher.ts'

const EN = join(ROOT, 'gateway/demo-site.yaml')
const ZH = join(ROOT, 'gateway/demo-site.zh-CN.yaml')
const HAN = /\p{Script=Han}/u

/** The site with every word a person reads taken out: what scenarios and tokens depend on. */
function skeleton(file: SiteFile) {
  return {
    ...file,
    site: { ...file.site, name: '', locale: '' },
    buildings: file.buildings.map((b) => ({ ...b, name: '' })),
    devices: file.devices.map((d) => ({ ...d, label: '' })),
    uitds: file.uitds.map((u) => ({ ...u, label: '' })),
    contacts: file.contacts.map((c) => ({ ...c, name: '', locale: undefined })),
  }
}

describe('The bundled demo sites', () => {
  it('When the Chinese demo is compared with the English one, then only names, labels and languages differ, all in Chinese', () => {
    const en = loadSite(EN)
    const zh = loadSite(ZH)
    expect(skeleton(zh.file)).toEqual(skeleton(en.file))
    expect(zh.file.site).toMatchObject({ locale: 'zh-CN', timezone: 'Asia/Shanghai' })
    const words = [
      zh.name,
      ...zh.buildings.map((b) => b.name),
      ...zh.devices.map((d) => d.label),
      ...zh.uitds.map((u) => u.label ?? ''),
      ...zh.file.contacts.map((c) => c.name),
    ]
    expect(words.filter((w) => !HAN.test(w))).toEqual([])
    expect(zh.file.contacts.every((c) => c.locale === 'zh-CN')).toBe(true)
  })

  it('When FIREWATCH_DEMO or FIREWATCH_SITE chooses the site, then the bundled demos text to the log by default and a site of ones own sends no text until SMS_PROVIDER is set', () => {
    expect(parseGatewayEnv({})).toMatchObject({ FIREWATCH_SITE: demoSiteFile('en'), SMS_PROVIDER: 'log' })
    expect(parseGatewayEnv({ FIREWATCH_DEMO: 'zh-CN' })).toMatchObject({
      FIREWATCH_SITE: ZH,
      SMS_PROVIDER: 'log',
    })
    // However the path is written.
    expect(parseGatewayEnv({ FIREWATCH_SITE: 'gateway/../gateway/demo-site.yaml' }).SMS_PROVIDER).toBe(
      process.cwd() === ROOT ? 'log' : 'none',
    )
    expect(parseGatewayEnv({ FIREWATCH_SITE: TEST_SITE }).SMS_PROVIDER).toBe('none')
    expect(parseGatewayEnv({ SMS_PROVIDER: 'none' }).SMS_PROVIDER).toBe('none')
    expect(parseGatewayEnv({ FIREWATCH_SITE: TEST_SITE, SMS_PROVIDER: 'log' }).SMS_PROVIDER).toBe('log')
    expect(() => parseGatewayEnv({ FIREWATCH_DEMO: 'zh-CN', FIREWATCH_SITE: TEST_SITE })).toThrow(
      /FIREWATCH_DEMO: choose a bundled demo \(FIREWATCH_DEMO\) or a site file \(FIREWATCH_SITE\), not both/,
    )
    expect(() => parseGatewayEnv({ FIREWATCH_DEMO: 'fr' })).toThrow(/FIREWATCH_DEMO/)
  })

  it('When FIREWATCH_DEMO=zh-CN starts the gateway with stdout on a pipe, then the Chinese site runs, texts go to the log, and stdout is JSON lines without a banner', async () => {
    const dataDir = tempDataDir()
    const env: NodeJS.ProcessEnv = { ...process.env }
    for (const name of ['FIREWATCH_SITE', 'SMS_PROVIDER', 'LOG_FORMAT']) delete env[name]
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'gateway/main.ts')], {
      cwd: ROOT,
      env: {
        ...env,
        FIREWATCH_DEMO: 'zh-CN',
        MQTT_PORT: '0',
        HTTP_PORT: '0',
        BIND_HOST: '127.0.0.1',
        DATA_DIR: dataDir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const lines: string[] = []
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`gateway exited with ${code}`)))
      createInterface({ input: child.stdout! }).on('line', (line) => {
        lines.push(line)
        if (line.includes('gateway started')) resolve()
      })
    })
    const exited = new Promise((res) => child.once('exit', res))
    child.kill('SIGTERM')
    await exited
    rmSync(dataDir, { recursive: true, force: true })
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(entries.find((e) => e.msg === 'gateway started')).toMatchObject({ site: '演示园区', devices: 71 })
    expect(entries.find((e) => e.msg === 'notification channels ready')).toMatchObject({ smsProvider: 'log' })
    expect(lines.join('\n')).not.toContain('Firewatch is running')
  })

  it('When a library fire scenario runs on the Chinese demo in virtual time, then every expectation is met and the alerts speak Chinese', async () => {
    const scenario = loadScenario(join(ROOT, 'simulators/scenarios/kitchen-fire-spread.yaml'), { site: ZH })
    expect(scenario.site.name).toBe('演示园区')
    const result = await runScenarioVirtual(scenario)
    const report = formatReport(result)
    expect(result.missed, report).toEqual([])
    const alarm = result.alerts.find((a) => a.rule === 'smoke.alarm' && a.device === 'ta-12-smoke-03')
    expect(alarm?.message).toMatch(/^感烟火警：A座 12层 12-east，12层东侧厨房走廊，烟雾浓度 0\.\d+ dB\/m$/)
    // The gateway's own alert, with the gateway's own detail: Chinese too.
    const spread = result.alerts.find((a) => a.rule === 'fire.spread')
    expect(spread?.message).toBe('火势跨楼层蔓延：A座，涉及楼层12层→13层')
  })
})
