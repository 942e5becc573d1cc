import type { BenchConfig } from './bench-config.ts'
import type { TargetName } from './broker-targets.ts'
import type { Measured } from './load-process.ts'
import { median } from './median.ts'
import type { OverloadRun } from './overload.ts'
import type { SteadyRun } from './steady.ts'

type Cell = number | string | null

interface Figure {
  label: string
  value(run: SteadyRun): number | null
  /** Decimals shown. */
  digits: number
}

const s = (run: SteadyRun) => run.measured?.summary ?? null

const FIGURES: Figure[] = [
  { label: 'readings sent', value: (r) => s(r)?.sent ?? null, digits: 0 },
  { label: 'readings acked (PUBACK)', value: (r) => s(r)?.acked ?? null, digits: 0 },
  { label: 'errors + unacked', value: (r) => (s(r) ? s(r)!.errors + s(r)!.unacked : null), digits: 0 },
  { label: 'achieved rate (msg/s)', value: (r) => s(r)?.rate ?? null, digits: 0 },
  { label: 'broker CPU (ms / 1,000 readings)', value: cpuPer1k, digits: 1 },
  { label: 'broker RSS peak (MB)', value: (r) => mb(r.measured?.rssPeakKb ?? null), digits: 1 },
  { label: 'broker RSS before load (MB)', value: (r) => mb(r.measured?.rssIdleKb ?? null), digits: 1 },
  { label: 'PUBACK round trip p50 (ms)', value: (r) => s(r)?.ackMs.p50 ?? null, digits: 1 },
  { label: 'PUBACK round trip p99 (ms)', value: (r) => s(r)?.ackMs.p99 ?? null, digits: 1 },
  { label: 'fire events sent', value: (r) => s(r)?.events.sent ?? null, digits: 0 },
  { label: 'alerts received', value: (r) => s(r)?.alerts ?? null, digits: 0 },
  { label: 'event-to-alert p50 (ms)', value: (r) => s(r)?.latencyMs.p50 ?? null, digits: 1 },
  { label: 'event-to-alert p99 (ms)', value: (r) => s(r)?.latencyMs.p99 ?? null, digits: 1 },
  { label: 'event-to-alert max (ms)', value: (r) => s(r)?.latencyMs.max ?? null, digits: 1 },
  {
    label: 'after the first second: p50 (ms)',
    value: (r) => r.measured?.steadyAlertMs?.p50 ?? null,
    digits: 1,
  },
  {
    label: 'after the first second: p99 (ms)',
    value: (r) => r.measured?.steadyAlertMs?.p99 ?? null,
    digits: 1,
  },
  {
    label: 'gateway readings accepted (metric values)',
    value: (r) => r.counters.get('firewatch_readings_accepted_total') ?? null,
    digits: 0,
  },
  { label: 'load generator CPU (% of a core)', value: loadCpuPercent, digits: 0 },
]

export function cpuPer1k(run: SteadyRun): number | null {
  const sent = s(run)?.sent
  const cpu = run.measured?.brokerCpuMs
  return sent && cpu != null ? (cpu / sent) * 1000 : null
}

function loadCpuPercent(run: SteadyRun): number | null {
  const sum = s(run)
  return sum ? loadCpuShare(sum) : null
}

/** The load generator's CPU while publishing, in % of one core: near 100 it, not the broker, limits. */
function loadCpuShare(m: NonNullable<Measured['summary']>): number | null {
  return m.publishSeconds ? (m.loadCpuPublishingMs / (m.publishSeconds * 1000)) * 100 : null
}

function mb(kb: number | null): number | null {
  return kb === null ? null : kb / 1024
}

/** Median per target of one figure. */
export function medianOf(runs: readonly SteadyRun[], target: TargetName, f: (r: SteadyRun) => number | null) {
  return median(runs.filter((r) => r.target === target && !r.error).map(f))
}

function fmt(value: Cell, digits = 0): string {
  if (value === null) return 'n/a'
  if (typeof value === 'string') return value
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
}

export interface Table {
  head: string[]
  rows: string[][]
}

export function steadyTable(runs: readonly SteadyRun[], targets: readonly TargetName[]): Table {
  const rows = FIGURES.map((f) => [f.label, ...targets.map((t) => fmt(medianOf(runs, t, f.value), f.digits))])
  rows.push([
    'runs ok / run',
    ...targets.map(
      (t) =>
        `${runs.filter((r) => r.target === t && !r.error).length} / ${runs.filter((r) => r.target === t).length}`,
    ),
  ])
  return { head: ['median of runs', ...targets], rows }
}

export function overloadTable(runs: readonly OverloadRun[]): Table {
  type Summary = NonNullable<Measured['summary']>
  const cols: [string, (r: OverloadRun, m: Summary | null) => string][] = [
    ['target', (r) => r.target],
    ['QoS', (r) => String(r.qos)],
    ['offered/s', (r) => fmt(r.offeredRate)],
    ['sent/s', (_, m) => fmt(m?.rate ?? null)],
    ['slowed', (r, m) => (m ? (slowed(r) ? 'yes' : 'no') : 'n/a')],
    ['processed/s', (_, m) => (m ? `${behind(m) ? '<= ' : ''}${fmt(m.processedRate)}` : 'n/a')],
    ['drain s', (_, m) => (m ? `${behind(m) ? '>= ' : ''}${fmt(m.drainSeconds, 1)}` : 'n/a')],
    ['sent', (_, m) => fmt(m?.sent ?? null)],
    ['acked', (_, m) => fmt(m?.acked ?? null)],
    ['lost', (_, m) => fmt(m?.errors ?? null)],
    ['fire events', (_, m) => fmt(m?.events.sent ?? null)],
    ['alerts', (_, m) => fmt(m?.alerts ?? null)],
    ['alert max ms', (_, m) => fmt(m?.latencyMs.max ?? null, 1)],
    ['ingress delayed', (r) => fmt(r.counters.get('firewatch_ingress_delayed_total') ?? null)],
    ['RSS peak MB', (r) => fmt(r.measured ? mb(r.measured.rssPeakKb) : null)],
    ['generator CPU %', (_, m) => fmt(m ? loadCpuShare(m) : null)],
    [
      'alive after',
      (r) => (r.alive ? 'yes' : `NO${r.death ? ` (${r.death})` : r.error ? ` (${firstLine(r.error)})` : ''}`),
    ],
  ]
  const rows = runs.map((r) => cols.map(([, cell]) => cell(r, r.measured?.summary ?? null)))
  return { head: cols.map(([h]) => h), rows }
}

/** Readings still unacknowledged when the drain bound ran out: the broker had not caught up. */
function behind(m: NonNullable<Measured['summary']>): boolean {
  return m.unacked > 0
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? ''
}

/** Publishers were slowed when they achieved under 95 % of the offer or skipped over 1 % of it. */
export function slowed(run: OverloadRun): boolean {
  const m = run.measured?.summary
  return !!m && (m.rate < 0.95 * run.offeredRate || m.skipped > 0.01 * m.offered)
}

export function textTable(t: Table): string {
  const widths = t.head.map((h, i) => Math.max(h.length, ...t.rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
  return [line(t.head), widths.map((w) => '-'.repeat(w)).join('  '), ...t.rows.map(line)].join('\n')
}

export function markdownTable(t: Table): string {
  const row = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`
  return [row(t.head), row(t.head.map((_, i) => (i === 0 ? '---' : '---:'))), ...t.rows.map(row)].join('\n')
}

export function settingsLine(cfg: BenchConfig): string {
  return (
    `${cfg.devices} devices, ${cfg.rate.toLocaleString('en-US')} readings/s QoS 1 for ${cfg.seconds} s, ` +
    `in-flight cap ${cfg.maxInflight}/connection, ${cfg.alertRate} fire events/s over ${cfg.alertDevices} ` +
    `smoke detectors, ${cfg.repeats} repeats per target (fresh broker each), medians shown`
  )
}

export function overloadLine(cfg: BenchConfig): string {
  const o = cfg.overload
  const offers = o.qos.map((q) => `QoS ${q} at ${(q ? o.rate : o.qos0Rate).toLocaleString('en-US')} msg/s`)
  return (
    `${offers.join(' and ')}, ${o.seconds} s each from ${o.devices} connections ` +
    `(in-flight cap ${o.maxInflight}), one fire alarm every 2 s from another smoke detector`
  )
}
