import { YamlFileError } from '../../ingest/site/yaml-file.ts'
import type { ProgressStream } from './progress-bar.ts'
import { SimulatorError } from './simulator-errors.ts'

/** Where a command writes; tests pass their own streams. */
export interface CommandIo {
  stdout: { write(text: string): unknown }
  stderr: ProgressStream
}

export const processIo: CommandIo = { stdout: process.stdout, stderr: process.stderr }

/** Exit statuses of `firewatch-sim run` and `firewatch-sim live` (sysexits.h where one fits). */
export const EXIT = {
  ok: 0,
  /** At least one expectation was missed. */
  missed: 1,
  usage: 64,
  /** A scenario (or its site) file is invalid. */
  invalid: 65,
  /** The gateway could not be reached, or its API refused a call. */
  unavailable: 69,
  internal: 70,
} as const

/** The one boundary of the commands: an error becomes a message and an exit status. */
export function failure(err: unknown, io: CommandIo): number {
  if (err instanceof YamlFileError) {
    io.stderr.write(`${err.message}\n`)
    return EXIT.invalid
  }
  if (err instanceof SimulatorError) {
    io.stderr.write(`${err.code}: ${err.message}\n`)
    // A speed too fast for the skew window is a matter of the command's flags, like a bad value.
    const usage = err.code === 'FGW_ERR_SIM_USAGE' || err.code === 'FGW_ERR_SIM_SKEW'
    return usage ? EXIT.usage : EXIT.unavailable
  }
  io.stderr.write(`internal error: ${(err as Error).stack ?? String(err)}\n`)
  return EXIT.internal
}
