import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { loadScenario } from '../scenario/load-scenario.ts'
import { type CommandIo, EXIT, failure, processIo } from './command-io.ts'
import { ProgressBar } from './progress-bar.ts'
import { formatReport } from './report.ts'
import { runScenarioVirtual } from './virtual-runner.ts'

export const RUN_USAGE = `usage: firewatch-sim run <scenario.yaml | directory>... [--site SITE.yaml] [--alerts] [--quiet]

Runs scenarios in virtual time through the real decoder, rule engine and alert lifecycle, and
prints one report per scenario. A directory stands for every *.yaml in it.

  --site SITE.yaml   play on this site file instead of each scenario's own (same device ids),
                     e.g. gateway/demo-site.zh-CN.yaml
  --alerts           also list every alert of each run
  --quiet            print only the verdict line of each scenario
  --help             this text

exit status: 0 all expectations met, 1 some missed, 64 bad arguments, 65 invalid scenario file`

/** `firewatch-sim run`: returns the exit status. */
export async function runCommand(argv: string[], io: CommandIo = processIo): Promise<number> {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(argv)
  } catch (err) {
    io.stderr.write(`${(err as Error).message}\n${RUN_USAGE}\n`)
    return EXIT.usage
  }
  if (parsed.values.help) {
    io.stdout.write(`${RUN_USAGE}\n`)
    return EXIT.ok
  }
  if (parsed.positionals.length === 0) {
    io.stderr.write(`no scenario given\n${RUN_USAGE}\n`)
    return EXIT.usage
  }
  try {
    const files = parsed.positionals.flatMap(expand)
    let missed = 0
    for (const file of files) {
      const scenario = loadScenario(file, { site: parsed.values.site })
      const bar = new ProgressBar(io.stderr)
      bar.start(scenario.name)
      const result = await runScenarioVirtual(scenario, { onProgress: (f) => bar.update(f) })
      bar.done()
      const report = formatReport(result, { alerts: parsed.values.alerts === true })
      io.stdout.write(`${parsed.values.quiet ? `${scenario.name}: ${report.split('\n').at(-1)}` : report}\n`)
      if (!parsed.values.quiet && files.length > 1) io.stdout.write('\n')
      missed += result.missed.length
    }
    if (files.length > 1) io.stdout.write(`${files.length} scenarios, ${missed} expectations missed\n`)
    return missed === 0 ? EXIT.ok : EXIT.missed
  } catch (err) {
    return failure(err, io)
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      site: { type: 'string' },
      alerts: { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' },
      help: { type: 'boolean', short: 'h' },
    },
  })
}

/** A directory stands for its *.yaml files, in name order. */
function expand(path: string): string[] {
  let isDir = false
  try {
    isDir = statSync(path).isDirectory()
  } catch {
    return [path] // loadScenario reports the file it cannot read
  }
  if (!isDir) return [path]
  return readdirSync(path)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .map((f) => join(path, f))
}
