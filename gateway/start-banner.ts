import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parse } from 'yaml'
import type { SiteModel } from '../ingest/site/site-model.ts'
import type { GatewayEnv } from './config.ts'
import { isBundledDemoSite } from './demo-sites.ts'
import type { ListenPorts } from './secure-listeners.ts'

// What `npm start` prints on a terminal once the gateway listens (README "Quick start"): where the
// wall is, how to sign in, how to make something happen, where data and text messages go. Never
// printed to a pipe or a log collector: the JSON log is the record there.

/** The library scenario the banner offers: five minutes, so any --speed fits the skew window. */
export const DEMO_SCENARIO = 'simulators/scenarios/first-fire.yaml'
const DEMO_SPEED = 10
const DEFAULT_SKEW_MS = 300_000

export interface BannerInput {
  env: GatewayEnv
  /** uitdPort: the GB/T 26875.3 receiver's, null while it is off. */
  ports: ListenPorts & { uitdPort?: number | null }
  site: SiteModel
  colours: boolean
}

type Row = [label: string, lines: string[]]

export function startBanner(input: BannerInput): string {
  const { env, site } = input
  const demo = isBundledDemoSite(env.FIREWATCH_SITE)
  const urls = listenerUrls(env, input.ports)
  const plain = plainTokensOf(env.FIREWATCH_SITE)
  const tokens = tokenLines(site, plain)
  const rows: Row[] = [
    ['Sensor wall', [`${urls.http ?? urls.https}/`]],
    ['Sign in with', tokens.length > 0 ? tokens : ['a token of the site file (apiTokens)']],
    ['Make a fire', fireLines(demo, urls, simToken(site, plain), env.INGEST_MAX_SKEW_MS)],
    ['SMS texts', smsLines(env.SMS_PROVIDER)],
    ['Data', [resolve(env.DATA_DIR)]],
    ['MQTT', [[urls.mqtt, urls.mqtts].filter(Boolean).join('  ')]],
  ]
  const uitdPort = input.ports.uitdPort ?? null
  if (uitdPort !== null) rows.push(['Fire panels', uitdLines(site, uitdPort)])
  if (demo && site.locale === 'en') rows.push(['In Chinese', ['FIREWATCH_DEMO=zh-CN npm start (中文演示)']])
  rows.push(['Stop', ['Ctrl-C']])
  const what = `${site.buildings.length} buildings, ${site.devices.length} devices`
  const title = `Firewatch is running: ${site.name} (${what}${demo ? ', bundled demo site' : ''})`
  const bold = (text: string) => (input.colours ? `\x1b[1m${text}\x1b[0m` : text)
  const width = Math.max(...rows.map(([label]) => label.length)) + 2
  const body = rows.flatMap(([label, lines]) =>
    lines.map((line, i) => `  ${(i === 0 ? label : '').padEnd(width)}${line}`),
  )
  return `\n  ${bold(title)}\n\n${body.join('\n')}\n\n`
}

interface Urls {
  http: string | null
  https: string | null
  mqtt: string | null
  mqtts: string | null
}

/** Addresses a person on this machine can use: localhost unless bound to one other address. */
function listenerUrls(env: GatewayEnv, ports: ListenPorts): Urls {
  const local = ['0.0.0.0', '::', '127.0.0.1', '::1', 'localhost'].includes(env.BIND_HOST)
  const host = local ? 'localhost' : env.BIND_HOST.includes(':') ? `[${env.BIND_HOST}]` : env.BIND_HOST
  const url = (scheme: string, port: number | null) => (port === null ? null : `${scheme}://${host}:${port}`)
  return {
    http: url('http', ports.httpPort),
    https: url('https', ports.httpsPort),
    mqtt: url('mqtt', ports.mqttPort),
    mqtts: url('mqtts', ports.mqttTlsPort),
  }
}

/**
 * One line per API token: its value only when the site file holds it in plain text (the demo
 * sites do); a hashed token or one read from the environment is never printed.
 */
function tokenLines(site: SiteModel, plain: ReadonlyMap<string, string>): string[] {
  const tokens = site.file.apiTokens
  const width = Math.max(0, ...tokens.map((t) => (plain.get(t.name) ?? '').length))
  return tokens.map((t) => {
    const scope = t.buildings?.length ? t.buildings.join(', ') : 'every building'
    const who = `${t.role}: ${scope}${t.name === t.role ? '' : ` (${t.name})`}`
    const value = plain.get(t.name)
    if (value === undefined) return `${t.name}, ${who}: token hashed or from the environment, not shown`
    return `${value.padEnd(width)}  ${who}`
  })
}

/** Token names whose value the site file holds in plain text (not a hash, not `{ env: NAME }`). */
export function plainTokensOf(file: string): Map<string, string> {
  const plain = new Map<string, string>()
  try {
    const raw = parse(readFileSync(file, 'utf8')) as { apiTokens?: unknown }
    if (!Array.isArray(raw.apiTokens)) return plain
    for (const t of raw.apiTokens as Array<{ name?: unknown; token?: unknown }>) {
      if (typeof t?.name === 'string' && typeof t.token === 'string' && !t.token.startsWith('scrypt$')) {
        plain.set(t.name, t.token)
      }
    }
  } catch {
    // The gateway has just loaded this file; if it moved since, the banner shows no token values.
  }
  return plain
}

/** A plain token that sees every building (the simulator reads every alert of the run with it). */
function simToken(site: SiteModel, plain: ReadonlyMap<string, string>): string | null {
  const token = site.file.apiTokens.find(
    (t) => (t.role === 'brigade' || t.role === 'admin') && plain.has(t.name),
  )
  return token ? plain.get(token.name)! : null
}

function fireLines(demo: boolean, urls: Urls, token: string | null, skewMs: number): string[] {
  if (!demo) return ['npm run sim -- --help (a scenario names the site file it plays on)']
  if (urls.mqtt === null || urls.http === null || token === null) {
    return ['the simulator needs the plain MQTT and HTTP listeners and a brigade or admin token']
  }
  const skew = skewMs === DEFAULT_SKEW_MS ? '' : ` --max-skew ${skewMs}ms`
  return [
    'in a second terminal, play a kitchen fire live (30 s):',
    `npm run sim -- live ${DEMO_SCENARIO} --mqtt ${urls.mqtt} --http ${urls.http} --token ${token} --speed ${DEMO_SPEED}${skew}`,
  ]
}

/** The GB/T 26875.3 port, and the simulator line that reports a call point's fire to it. */
function uitdLines(site: SiteModel, port: number): string[] {
  const uitd = site.uitds[0]
  const sim = uitd
    ? [`npx firewatch-sim uitd --port ${port} --address ${uitd.address} --report call-point-fire --floor 12`]
    : ['no UITD in the site file (uitds:)']
  return [`GB/T 26875.3 (UITD) on port ${port}`, ...sim]
}

function smsLines(provider: GatewayEnv['SMS_PROVIDER']): string[] {
  switch (provider) {
    case 'log':
      return ['written to this log as "SMS to <name> <number>" (SMS_PROVIDER=log: no phone gets them)']
    case 'none':
      return ['off (SMS_PROVIDER=none); SMS_PROVIDER=log writes them to this log']
    default:
      return [`sent through ${provider}`]
  }
}
