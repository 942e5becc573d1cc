import { z } from 'zod'
import { ChannelsEnv, checkChannelsEnv, SmsProviderName } from '../alerting/notify/channels/index.ts'
import { checkStorageEnv, StorageEnv } from '../ingest/store/storage-config.ts'
import { RegisterEnv } from '../register/register-config.ts'
import { ClusterEnv, checkClusterEnv } from './cluster/cluster-config.ts'
import { DEMO_LOCALES, demoSiteFile, isBundledDemoSite } from './demo-sites.ts'
import { checkSecurityEnv, SecurityEnv, tlsConfigured } from './security-config.ts'
import { SelfWatchEnv } from './self-watch/self-watch-config.ts'
import { UitdEnv } from './uitd/uitd-config.ts'

const Port = z.coerce.number().int().min(0).max(65_535)

/**
 * Environment of the gateway process (README "Configuration"), with the readings
 * store's (ingest/store/storage-config.ts). Parsed once, in main.ts.
 */
export const GatewayEnvFields = z
  .object({
    /** The site file; unset: the bundled demo site of FIREWATCH_DEMO (see withDefaults). */
    FIREWATCH_SITE: z.string().min(1).optional(),
    /** Which bundled demo site runs when FIREWATCH_SITE is unset: `en` (default) or `zh-CN`. */
    FIREWATCH_DEMO: z.enum(DEMO_LOCALES).optional(),
    MQTT_PORT: Port.default(1883),
    HTTP_PORT: Port.default(8080),
    BIND_HOST: z.string().min(1).default('0.0.0.0'),
    DATA_DIR: z.string().min(1).default('./data'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /**
     * `auto`: readable lines when stdout is a terminal, JSON lines otherwise (a log collector, a
     * pipe, the tests); `json` and `pretty` force one of them.
     */
    LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
    /** Largest MQTT payload the gateway decodes; larger ones are answered with FGW_ERR_INGEST_TOO_LARGE. */
    INGEST_MAX_PAYLOAD_BYTES: z.coerce.number().int().min(256).max(1_048_576).default(16_384),
    /** Device timestamps further than this from the gateway clock are replaced by the receipt time. */
    INGEST_MAX_SKEW_MS: z.coerce.number().int().positive().default(300_000),
    /**
     * Telemetry messages per second the gateway accepts in total. Beyond it, publishers are slowed
     * down (their socket is not read) instead of letting aedes queue without bound.
     */
    INGRESS_MAX_MESSAGES_PER_SEC: z.coerce.number().int().min(10).default(20_000),
    /**
     * Alert durability. `normal` (SQLite WAL, no fsync per commit) survives a crash of the process,
     * kill -9 included; `full` also survives power loss, at the price of an fsync per alert
     * transition on the alarm path (about 1 ms here, far more on slow disks).
     */
    ALERT_DB_SYNC: z.enum(['full', 'normal']).default('normal'),
    /**
     * Base of the one-tap acknowledgement links in notifications (`${PUBLIC_URL}/ack/<token>`): the
     * address people's phones reach the gateway at. Default http://localhost:HTTP_PORT.
     */
    PUBLIC_URL: z
      .url({ protocol: /^https?$/ })
      .transform((url) => url.replace(/\/+$/, ''))
      .optional(),
    ...StorageEnv.shape,
    ...ChannelsEnv.shape,
    /** Unset: `log` on a bundled demo site, `none` otherwise (see withDefaults). */
    SMS_PROVIDER: SmsProviderName.optional(),
    ...SecurityEnv.shape,
    // the hazard register's evidence, import and report printing (register/register-config.ts)
    ...RegisterEnv.shape,
    // The GB/T 26875.3 receiver for fire panels (gateway/uitd/): off unless UITD_ENABLED=on.
    ...UitdEnv.shape,
    // Heartbeat to an outside monitor and the scheduled self-test (gateway/self-watch/).
    ...SelfWatchEnv.shape,
    // Cluster mode (docs/cluster.md): NATS JetStream and PostgreSQL; off unless both URLs are set.
    ...ClusterEnv.shape,
  })
  .superRefine(checkStorageEnv)
  .superRefine(checkChannelsEnv)
  .superRefine(checkSecurityEnv)
  .superRefine(checkSiteChoice)
  .superRefine(checkClusterEnv)
  .superRefine((env, ctx) => {
    if (env.UITD_TLS === 'on' && !tlsConfigured(env))
      ctx.addIssue({ code: 'custom', path: ['UITD_TLS'], message: 'on needs TLS_CERT_FILE and TLS_KEY_FILE' })
  })

export const GatewayEnv = GatewayEnvFields.transform(withDefaults)
export type GatewayEnv = z.output<typeof GatewayEnv>

/** A demo is chosen by FIREWATCH_DEMO or a site file by FIREWATCH_SITE, never both at once. */
function checkSiteChoice(
  env: { FIREWATCH_SITE?: string | undefined; FIREWATCH_DEMO?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if (env.FIREWATCH_SITE !== undefined && env.FIREWATCH_DEMO !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['FIREWATCH_DEMO'],
      message: 'choose a bundled demo (FIREWATCH_DEMO) or a site file (FIREWATCH_SITE), not both',
    })
  }
}

/**
 * The defaults that depend on other variables. Without FIREWATCH_SITE the bundled demo site of
 * FIREWATCH_DEMO runs. Without SMS_PROVIDER a bundled demo site writes its text messages to the
 * log (`log`), so that a first run shows what managers would receive without a provider account;
 * any other site sends none (`none`) until a provider is chosen, so a real site never pretends.
 */
function withDefaults(env: z.output<typeof GatewayEnvFields>) {
  const site = env.FIREWATCH_SITE ?? demoSiteFile(env.FIREWATCH_DEMO ?? 'en')
  const sms: SmsProviderName = env.SMS_PROVIDER ?? (isBundledDemoSite(site) ? 'log' : 'none')
  return { ...env, FIREWATCH_SITE: site, SMS_PROVIDER: sms }
}

export function parseGatewayEnv(env: NodeJS.ProcessEnv): GatewayEnv {
  const parsed = GatewayEnv.safeParse(env)
  if (parsed.success) return parsed.data
  const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
  throw new Error(configErrorMessage(problems))
}

/** The words of a configuration refused at start-up: one problem per indented line. */
export function configErrorMessage(problems: string[]): string {
  return `invalid configuration:\n  ${problems.join('\n  ')}`
}
