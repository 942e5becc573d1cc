import { TOPIC_KINDS, type TopicKind } from '../record/topic-kind.ts'

export interface TrafficFigures {
  messages: number
  durationMs: number
  byKind: Record<TopicKind, number>
}

/** Two aligned columns under a title, for the end of a run (stdout). */
export function formatTable(title: string, rows: readonly (readonly [string, string | number])[]): string {
  const width = Math.max(...rows.map(([label]) => label.length))
  return `${title}\n${rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join('\n')}\n`
}

/** messages, duration, rate, then the count of every topic kind seen. */
export function trafficRows(figures: TrafficFigures): [string, string | number][] {
  const seconds = figures.durationMs / 1000
  const rate = seconds > 0 ? figures.messages / seconds : 0
  const rows: [string, string | number][] = [
    ['messages', figures.messages],
    ['duration', `${seconds.toFixed(2)} s`],
    ['rate', `${rate.toFixed(1)} msg/s`],
  ]
  for (const kind of TOPIC_KINDS) {
    if (figures.byKind[kind] > 0) rows.push([`  ${kind}`, figures.byKind[kind]])
  }
  return rows
}
