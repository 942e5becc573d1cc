import { hostname } from 'node:os'
import type { Logger } from 'pino'
import { YamlFileError } from '../ingest/site/yaml-file.ts'
import { systemClock } from './clock.ts'
import { type ClusterSettings, clusterSettings } from './cluster/cluster-config.ts'
import { startClusterNode } from './cluster/cluster-node.ts'
import { type GatewayEnv, parseGatewayEnv } from './config.ts'
import { startGateway } from './gateway.ts'
import { createRootLogger } from './root-logger.ts'
import { startBanner } from './start-banner.ts'

// The only module that reads process.env (CONTRIBUTING.md, "Style"). Exit 78 (EX_CONFIG) on bad
// configuration.
async function main(): Promise<void> {
  let env: ReturnType<typeof parseGatewayEnv>
  try {
    env = parseGatewayEnv(process.env)
  } catch (err) {
    console.error((err as Error).message)
    process.exit(78)
  }
  // A person at a terminal reads lines and a banner; a pipe or a log collector gets JSON lines.
  const terminal = process.stdout.isTTY === true
  const pretty = env.LOG_FORMAT === 'pretty' || (env.LOG_FORMAT === 'auto' && terminal)
  const log = createRootLogger(
    env.LOG_LEVEL,
    pretty ? { pretty: { out: process.stdout, colours: terminal } } : {},
  )
  process.on('uncaughtException', (err) => {
    log.fatal({ err }, 'uncaught exception: exiting so that the supervisor restarts the gateway')
    process.exit(1)
  })
  const cluster = clusterSettings(env, { hostname: hostname(), pid: process.pid })
  if (cluster) {
    await runClusterNode(env, cluster, log)
    return
  }
  const gateway = await startGateway(env, { log, secretEnv: process.env }).catch((err: Error) => {
    console.error(err instanceof YamlFileError ? `invalid site file ${err.message}` : err.message)
    process.exit(78)
  })
  if (terminal) process.stdout.write(startBanner({ env, ports: gateway, site: gateway.site, colours: true }))
  const shutdown = (signal: string) => {
    log.info({ signal }, 'shutting down')
    const forced = setTimeout(() => process.exit(1), 10_000)
    forced.unref()
    gateway.stop().then(
      () => process.exit(0),
      (err: Error) => {
        log.error({ err }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  process.once('SIGTERM', () => shutdown('SIGTERM'))
  process.once('SIGINT', () => shutdown('SIGINT'))
}

/** Cluster mode (docs/cluster.md "Running cluster mode"): NATS_URL and DATABASE_URL are both set. */
async function runClusterNode(env: GatewayEnv, settings: ClusterSettings, log: Logger): Promise<void> {
  const node = await startClusterNode(env, settings, {
    clock: systemClock,
    log,
    secretEnv: process.env,
    fatal: (err) => {
      log.fatal({ err }, 'cluster session lost: exiting so that the supervisor restarts the node')
      process.exit(1)
    },
  }).catch((err: Error) => {
    console.error(err instanceof YamlFileError ? `invalid site file ${err.message}` : err.message)
    process.exit(78)
  })
  const shutdown = (signal: string) => {
    log.info({ signal }, 'shutting down')
    setTimeout(() => process.exit(1), 10_000).unref()
    node.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.once('SIGTERM', () => shutdown('SIGTERM'))
  process.once('SIGINT', () => shutdown('SIGINT'))
}

await main()
