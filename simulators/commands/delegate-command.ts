import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { EXIT } from './command-args.ts'

/** The scenario runner's commands, owned by simulators/runner/ and loaded only when asked for. */
const DELEGATES = {
  run: { file: '../runner/run-command.ts', exportName: 'runCommand' },
  live: { file: '../runner/live-command.ts', exportName: 'liveCommand' },
} as const

export type DelegateName = keyof typeof DELEGATES

/**
 * Loads the runner lazily: `record` and `replay` then work even where the runner is absent or
 * broken, and the CLI starts without loading the engine.
 */
export async function delegateCommand(name: DelegateName, argv: string[]): Promise<number> {
  const { file, exportName } = DELEGATES[name]
  const url = new URL(file, import.meta.url)
  const path = fileURLToPath(url)
  if (!existsSync(path)) {
    process.stderr.write(
      `firewatch-sim ${name}: ${path} does not exist: the scenario runner is not installed in this checkout\n`,
    )
    return EXIT.failure
  }
  const module = (await import(url.href)) as Record<string, unknown>
  const command = module[exportName]
  if (typeof command !== 'function') {
    process.stderr.write(`firewatch-sim ${name}: ${path} does not export ${exportName}(argv)\n`)
    return EXIT.failure
  }
  return (await (command as (argv: string[]) => Promise<number>)(argv)) ?? EXIT.ok
}
