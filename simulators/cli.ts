#!/usr/bin/env -S node --import tsx
/**
 * firewatch-sim: the simulators' command line (`npx firewatch-sim <command>` or
 * `npm run sim -- <command>`). Each command lives in simulators/commands/ (run and live in
 * simulators/runner/); this file only dispatches and turns errors into exit codes.
 */
import { EXIT, UsageError } from './commands/command-args.ts'
import { delegateCommand } from './commands/delegate-command.ts'
import { loadCommand } from './commands/load-command.ts'
import { recordCommand } from './commands/record-command.ts'
import { replayCommand } from './commands/replay-command.ts'
import { uitdCommand } from './commands/uitd-command.ts'

const COMMANDS: Record<string, { summary: string; run: (argv: string[]) => Promise<number> }> = {
  run: {
    summary: 'run a scenario in virtual time against the real engine',
    run: (a) => delegateCommand('run', a),
  },
  live: {
    summary: 'run a scenario live against a gateway over MQTT',
    run: (a) => delegateCommand('live', a),
  },
  record: { summary: 'record live MQTT traffic to a JSON-lines file', run: (a) => recordCommand(a) },
  replay: { summary: 'publish a recording again, as the original devices', run: (a) => replayCommand(a) },
  load: { summary: 'generate device load (telemetry and timed fire alarms)', run: (a) => loadCommand(a) },
  uitd: {
    summary: 'a GB/T 26875.3 user information transmission device (fire panel link) over TCP',
    run: (a) => uitdCommand(a),
  },
}

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length))
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`)
  return `usage: firewatch-sim <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nfirewatch-sim <command> --help shows the options of a command.\n`
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage())
    return EXIT.ok
  }
  const command = name === undefined ? undefined : COMMANDS[name]
  if (!command) {
    process.stderr.write(
      `${name === undefined ? 'no command given' : `unknown command: ${name}`}\n${usage()}`,
    )
    return EXIT.usage
  }
  try {
    return await command.run(rest)
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`firewatch-sim ${name}: ${err.message}\n(see firewatch-sim ${name} --help)\n`)
      return EXIT.usage
    }
    // A message, not a stack: a bad recording (RecordingError) names its file and line already.
    process.stderr.write(`firewatch-sim ${name}: ${(err as Error).message}\n`)
    return EXIT.failure
  }
}

// process.exitCode, not process.exit(): a summary still being written to a pipe is not cut off.
process.exitCode = await main(process.argv.slice(2))
