import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import { resolve } from 'node:path'
import { promisify, stripVTControlCharacters } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, waitFor } from '../support/api-client.ts'
import { ROOT, tempDataDir } from '../support/gateway-launcher.ts'

// `npm start` on a terminal: the gateway runs under Debian's `script`, which gives it a
// pseudo-terminal, exactly as a person's shell would (`npm start` runs this entry point after
// building the wall). Everything is read from what the terminal shows.

const run = promisify(execFile)
/** Environment variables a developer's shell may have set that would change what is tested. */
const UNSET = ['FIREWATCH_SITE', 'FIREWATCH_DEMO', 'SMS_PROVIDER', 'LOG_FORMAT', 'PUBLIC_URL']

let dataDir: string
let terminal: ChildProcess
let screen = ''
/** What the terminal showed so far, without colours and carriage returns. */
const shown = () => stripVTControlCharacters(screen).replace(/\r/g, '')

beforeAll(async () => {
  dataDir = tempDataDir()
  const env: NodeJS.ProcessEnv = { ...process.env }
  for (const name of UNSET) delete env[name]
  Object.assign(env, { MQTT_PORT: '0', HTTP_PORT: '0', BIND_HOST: '127.0.0.1', DATA_DIR: dataDir })
  // -q quiet, -f flush at once, -e the child's exit status, -c the command; /dev/null: no typescript.
  terminal = spawn('script', ['-qfec', `${process.execPath} --import tsx gateway/main.ts`, '/dev/null'], {
    cwd: ROOT,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  terminal.stdout!.on('data', (chunk: Buffer) => {
    screen += chunk.toString()
  })
  await waitFor(() => shown().includes('  Stop '), 30_000)
}, 40_000)

afterAll(async () => {
  if (terminal && terminal.exitCode === null) {
    const exited = new Promise((res) => terminal.once('exit', res))
    terminal.stdin!.write('\x03') // Ctrl-C, as a person stops it: SIGINT through the terminal
    await exited
  }
  rmSync(dataDir, { recursive: true, force: true })
})

/** The banner row that starts with `label`, and the lines that continue it. */
function row(label: string): string[] {
  const lines = shown().split('\n')
  const start = lines.findIndex((l) => l.startsWith(`  ${label} `))
  if (start < 0) throw new Error(`no banner row ${label} in:\n${shown()}`)
  const rest = lines.slice(start + 1)
  const end = rest.findIndex((l) => !/^ {4,}\S/.test(l))
  return [lines[start]!, ...rest.slice(0, end < 0 ? rest.length : end)].map((l) => l.trim())
}

function startedPorts(): { mqtt: string; http: string } {
  const started = shown().match(/INFO {2}gateway started mqttPort=(\d+) mqttTlsPort=null httpPort=(\d+)/)
  if (!started) throw new Error(`no readable "gateway started" line in:\n${shown()}`)
  return { mqtt: started[1]!, http: started[2]! }
}

describe('npm start on a terminal', () => {
  it('When the gateway listens, then the log is readable lines and a banner says where the wall is, which tokens sign in, how to make a fire, where data and texts go', () => {
    const { mqtt, http } = startedPorts()
    // Readable log lines, never JSON, on a terminal.
    expect(shown()).toMatch(/^\d\d:\d\d:\d\d INFO {2}\[channels\] notification channels ready /m)
    expect(shown()).not.toMatch(/^\{"level"/m)
    expect(shown()).toContain(
      'Firewatch is running: Demo Estate (2 buildings, 71 devices, bundled demo site)',
    )
    expect(row('Sensor wall')).toEqual([`Sensor wall   http://localhost:${http}/`])
    expect(row('Sign in with').join('\n')).toMatch(
      /brigade-token +brigade: every building\nmanager-a-token +manager: tower-a \(mgr-a\)\nmanager-b-token +manager: tower-b \(mgr-b\)\nadmin-token +admin: every building/,
    )
    expect(row('Make a fire')[1]).toBe(
      `npm run sim -- live simulators/scenarios/first-fire.yaml --mqtt mqtt://localhost:${mqtt} ` +
        `--http http://localhost:${http} --token brigade-token --speed 10`,
    )
    expect(row('SMS texts')[0]).toContain('SMS_PROVIDER=log')
    expect(row('Data')).toEqual([`Data          ${resolve(dataDir)}`])
    expect(row('In Chinese')[0]).toContain('FIREWATCH_DEMO=zh-CN npm start')
  })

  it('When the simulator command of the banner is run as printed, then the fire plays, the manager text with its ack link shows in the log, and the link acknowledges the alarm', async () => {
    const command = row('Make a fire')[1]!
    const sim = await run('sh', ['-c', command], { cwd: ROOT, timeout: 120_000 })
    expect(sim.stdout).toMatch(/5 met, 0 missed: PASS/)

    const { http } = startedPorts()
    const block = await waitFor(() =>
      shown().match(/INFO {2}\[channels\] SMS to Li Wei \+8613800138001\n(?: {4}.*\n)*? {4}link: (\S+)\n/),
    )
    const link = block[1]!
    expect(link).toMatch(new RegExp(`^http://localhost:${http}/a/[A-Za-z0-9_-]{18}$`))
    // Class and site time, what, where, the device's label and value, then the link (README "Quick start").
    expect(block[0]).toMatch(
      / {4}text: 火警 \d\d:\d\d：感烟火警，Tower A 12层 12-east，Kitchen corridor, 12F east（[\d.]+ dB\/m）。确认：http:\/\/localhost:\d+\/a\//,
    )

    const api = apiClient(`http://127.0.0.1:${http}`, 'brigade-token')
    const fires = (await api.get('/api/v1/alerts?state=active')).body.alerts.filter(
      (a: { class: string }) => a.class === 'fire',
    )
    expect(fires.length).toBeGreaterThan(0)
    const post = await fetch(`http://127.0.0.1:${http}${new URL(link).pathname}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'note=on+my+way',
    })
    expect(post.status).toBe(200)
    // One link acknowledges the whole incident: every fire alert of the building with it.
    const after = (await api.get('/api/v1/alerts?state=all')).body.alerts.filter(
      (a: { class: string }) => a.class === 'fire',
    )
    expect(new Set(after.map((a: { incident: string }) => a.incident)).size).toBe(1)
    expect(after.every((a: { state: string }) => a.state === 'acknowledged')).toBe(true)
  }, 150_000)
})
