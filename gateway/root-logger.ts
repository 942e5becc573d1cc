import pino, { type Logger } from 'pino'
import type { GatewayEnv } from './config.ts'
import { prettyDestination } from './pretty-log.ts'

export interface RootLoggerOptions {
  /** Readable lines instead of JSON (main.ts: LOG_FORMAT, or auto when stdout is a terminal). */
  pretty?: { out: { write(text: string): unknown }; colours: boolean }
}

/** The gateway's one pino logger: JSON lines on stdout, or readable lines for a person. */
export function createRootLogger(level: GatewayEnv['LOG_LEVEL'], options: RootLoggerOptions = {}): Logger {
  const settings = {
    level,
    redact: [
      'token',
      'password',
      'secret',
      '*.token',
      '*.password',
      '*.secret',
      'req.headers.authorization',
      'headers.authorization',
    ],
  }
  const { pretty } = options
  if (!pretty) return pino(settings)
  return pino(settings, prettyDestination(pretty.out, { colours: pretty.colours }))
}
