import { type ParseArgsConfig, parseArgs } from 'node:util'

/** Exit codes of firewatch-sim (sysexits.h where one fits). */
export const EXIT = { ok: 0, failure: 1, usage: 64, interrupted: 130 } as const

/** Bad command line: the CLI prints the message and points at --help. */
export class UsageError extends Error {
  override name = 'UsageError'
}

export interface CommandHelp {
  usage: string
  summary: string
  /** [flags, description] */
  options: readonly (readonly [string, string])[]
  notes?: string
}

export function helpText(help: CommandHelp): string {
  const width = Math.max(...help.options.map(([flags]) => flags.length))
  const lines = help.options.map(([flags, text]) => `  ${flags.padEnd(width)}  ${text}`)
  return `usage: ${help.usage}\n\n${help.summary}\n\noptions:\n${lines.join('\n')}\n${help.notes ? `\n${help.notes}\n` : ''}`
}

/** node:util parseArgs, strict, with its TypeErrors (unknown option, missing value) turned into UsageErrors. */
export function parseCommandArgs<T extends ParseArgsConfig['options']>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: true })
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
}

export function requireValue(name: string, value: string | undefined): string {
  if (value === undefined || value === '') throw new UsageError(`--${name} is required`)
  return value
}

export function numberValue(
  name: string,
  text: string | undefined,
  rules: { integer?: boolean; min?: number; above?: number } = {},
): number | undefined {
  if (text === undefined) return undefined
  const value = Number(text)
  const bad =
    text.trim() === '' ||
    !Number.isFinite(value) ||
    (rules.integer && !Number.isInteger(value)) ||
    (rules.min !== undefined && value < rules.min) ||
    (rules.above !== undefined && value <= rules.above)
  if (bad) {
    const what = [
      rules.integer ? 'an integer' : 'a number',
      rules.min !== undefined ? `>= ${rules.min}` : '',
      rules.above !== undefined ? `> ${rules.above}` : '',
    ]
    throw new UsageError(`--${name} must be ${what.filter(Boolean).join(' ')}, not ${JSON.stringify(text)}`)
  }
  return value
}

/** mqtt://host:port, checked early so that a typo is a usage error rather than a connect failure. */
export function mqttUrl(text: string | undefined): string {
  const value = requireValue('url', text)
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new UsageError(`--url must be mqtt://host:port, not ${JSON.stringify(value)}`)
  }
  if (url.protocol !== 'mqtt:' && url.protocol !== 'mqtts:')
    throw new UsageError('--url must be mqtt://host:port')
  return value
}
