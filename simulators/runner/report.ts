import type { Alert } from '../../alerting/alert.ts'
import { formatDuration } from '../scenario/duration.ts'
import { describeMatch } from '../scenario/resolve-refs.ts'
import type { ExpectationResult } from './expectations.ts'
import type { RunResult } from './run-result.ts'

export interface ReportOptions {
  /** Also list every alert of the run (default true). */
  alerts?: boolean
}

/** A plain-text summary of a run: one line per expectation, the actions, the alerts, the verdict. */
export function formatReport(result: RunResult, options: ReportOptions = {}): string {
  const { scenario } = result
  const lines = [
    `${scenario.name} (${result.mode}): ${formatDuration(scenario.durationMs)} of scenario time in ` +
      `${(result.durationMs / 1000).toFixed(2)} s real, ${result.readings.toLocaleString('en')} readings, ` +
      `${result.alerts.length} alerts`,
  ]
  const results = [...result.met, ...result.missed].sort(
    (a, b) => scenario.expectations.indexOf(a.expectation) - scenario.expectations.indexOf(b.expectation),
  )
  lines.push(...table(['result', 'expectation', 'window', 'at', 'detail'], results.map(expectationRow)))
  if (result.actions.length > 0) {
    lines.push('actions:')
    for (const a of result.actions) {
      const what = `${a.action.type} ${describeMatch(a.action.match)} as ${a.action.tokenName}`
      lines.push(`  ${formatDuration(a.at).padStart(8)}  ${what}: ${a.ok ? 'done' : 'FAILED'} (${a.detail})`)
    }
  }
  if (options.alerts !== false && result.alerts.length > 0) {
    lines.push('alerts:')
    const rows = [...result.alerts].reverse().map((a) => alertRow(a, result))
    lines.push(
      ...table(['opened', 'class', 'rule', 'device', 'state', 'repeats', 'ack', 'resolved'], rows).map(
        (l) => `  ${l}`,
      ),
    )
  }
  for (const note of result.notes.slice(0, 20)) lines.push(`note: ${note}`)
  if (result.notes.length > 20) lines.push(`note: ... and ${result.notes.length - 20} more`)
  const verdict = result.missed.length === 0 ? 'PASS' : 'FAIL'
  lines.push(`${result.met.length} met, ${result.missed.length} missed: ${verdict}`)
  return lines.join('\n')
}

function expectationRow(r: ExpectationResult): string[] {
  const e = r.expectation
  return [
    r.met ? 'met' : 'MISSED',
    e.label,
    e.kind === 'active' ? 'at end' : `${formatDuration(e.window.from)}..${formatDuration(e.window.to)}`,
    r.at === null ? '-' : formatDuration(r.at),
    r.detail,
  ]
}

function alertRow(a: Alert, result: RunResult): string[] {
  const at = (field: 'openedAt' | 'acknowledgedAt' | 'resolvedAt') => {
    const t = result.timeOf(a, field)
    return t === null ? '-' : formatDuration(t)
  }
  return [
    at('openedAt'),
    a.class,
    a.rule,
    a.device ?? `(${a.scope})`,
    a.state,
    String(a.repeats),
    at('acknowledgedAt'),
    at('resolvedAt'),
  ]
}

/** Left-aligned columns; the last column is not padded. */
function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()
  return [line(header), ...rows.map(line)]
}
