import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import pino from 'pino'
import { GatewayEnv } from '../../gateway/config.ts'
import { type RunningGateway, startGateway } from '../../gateway/gateway.ts'
import type { ListenPorts } from '../../gateway/secure-listeners.ts'
import { ROOT, TEST_SITE } from './paths.ts'

export { ROOT, TEST_SITE }

export interface GatewayUnderTest {
  mqttUrl: string
  httpUrl: string
  /** Set when the gateway runs with TLS (TLS_CERT_FILE/TLS_KEY_FILE). */
  mqttsUrl?: string
  httpsUrl?: string
  dataDir: string
  stop(): Promise<void>
}

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'firewatch-test-'))
}

/** The real gateway in this process, on free loopback ports. */
export async function startTestGateway(
  overrides: Partial<Record<keyof GatewayEnv, string>> = {},
  options: { log?: pino.Logger; secretEnv?: Record<string, string>; clock?: { now(): number } } = {},
): Promise<GatewayUnderTest & { gateway: RunningGateway }> {
  const dataDir = overrides.DATA_DIR ?? tempDataDir()
  const env = GatewayEnv.parse({
    FIREWATCH_SITE: TEST_SITE,
    MQTT_PORT: '0',
    HTTP_PORT: '0',
    BIND_HOST: '127.0.0.1',
    ALERT_DB_SYNC: 'normal',
    // Off unless a test asks for it (tests/gateway/self-test.test.ts): the probe's login, alert ids
    // and connection would otherwise mingle with what other tests count.
    SELF_TEST_INTERVAL_S: '0',
    ...overrides,
    DATA_DIR: dataDir,
  })
  const gateway = await startGateway(env, {
    log: options.log ?? pino({ level: 'silent' }),
    secretEnv: options.secretEnv ?? {},
    ...(options.clock ? { clock: options.clock } : {}),
  })
  return {
    gateway,
    mqttUrl: `mqtt://127.0.0.1:${gateway.mqttPort}`,
    httpUrl: `http://127.0.0.1:${gateway.httpPort}`,
    ...tlsUrls(gateway),
    dataDir,
    async stop() {
      await gateway.stop()
      if (!overrides.DATA_DIR) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

export interface GatewayChild extends GatewayUnderTest {
  child: ChildProcess
  /** SIGKILL, no chance to flush anything. */
  kill9(): Promise<void>
}

/** The real gateway as its own process (`npm start` runs the same entry point). */
export async function spawnTestGateway(env: Record<string, string> = {}): Promise<GatewayChild> {
  const dataDir = env.DATA_DIR ?? tempDataDir()
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'gateway/main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      FIREWATCH_SITE: TEST_SITE,
      MQTT_PORT: '0',
      HTTP_PORT: '0',
      BIND_HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      SELF_TEST_INTERVAL_S: '0',
      ...env,
      DATA_DIR: dataDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = new Promise<void>((res) => child.once('exit', () => res()))
  const ports = await waitForStart(child)
  return {
    child,
    dataDir,
    mqttUrl: `mqtt://127.0.0.1:${ports.mqttPort}`,
    httpUrl: `http://127.0.0.1:${ports.httpPort}`,
    ...tlsUrls(ports),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM')
      await exited
    },
    async kill9() {
      child.kill('SIGKILL')
      await exited
    },
  }
}

function tlsUrls(ports: Partial<ListenPorts>): { mqttsUrl?: string; httpsUrl?: string } {
  return {
    ...(ports.mqttTlsPort ? { mqttsUrl: `mqtts://127.0.0.1:${ports.mqttTlsPort}` } : {}),
    ...(ports.httpsPort ? { httpsUrl: `https://127.0.0.1:${ports.httpsPort}` } : {}),
  }
}

function waitForStart(child: ChildProcess): Promise<ListenPorts> {
  const stderr: string[] = []
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()))
  return new Promise((res, rej) => {
    const timer = setTimeout(
      () => rej(new Error(`gateway did not start in 20 s: ${stderr.join('')}`)),
      20_000,
    )
    child.once('exit', (code) => {
      clearTimeout(timer)
      rej(new Error(`gateway exited with ${code}: ${stderr.join('')}`))
    })
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.includes('gateway started')) return
      clearTimeout(timer)
      const { mqttPort, httpPort, mqttTlsPort, httpsPort } = JSON.parse(line) as ListenPorts
      res({ mqttPort, httpPort, mqttTlsPort: mqttTlsPort ?? null, httpsPort: httpsPort ?? null })
    })
  })
}
