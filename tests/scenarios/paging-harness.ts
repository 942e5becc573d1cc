import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { AlarmPath } from '../../alerting/alarm-path.ts'
import { ChannelsEnvChecked, createChannels } from '../../alerting/notify/channels/index.ts'
import { createNotifier } from '../../alerting/notify/notifier.ts'
import type { OutboxJob } from '../../alerting/notify/outbox-store.ts'
import type { RunResult } from '../../simulators/runner/run-result.ts'
import {
  type RunParticipant,
  runScenarioVirtual,
  type VirtualOptions,
} from '../../simulators/runner/virtual-runner.ts'
import type { LoadedScenario } from '../../simulators/scenario/scenario-types.ts'
import { MemoryLogger } from '../alerting/fixtures/lifecycle-harness.ts'

// A scenario in virtual time with the real notifier joined as the gateway joins it (as
// kitchen-fire-paging.test.ts does): pages, updates, digests and all-clears are planned by the real
// paging code in each alert transaction, escalation runs every virtual second, and a stand-in
// provider records every due job as sent at each virtual second. Nothing leaves the machine.

const TWILIO = {
  SMS_PROVIDER: 'twilio',
  TWILIO_ACCOUNT_SID: `AC${'a1'.repeat(16)}`,
  TWILIO_AUTH_TOKEN: 'twilio-test-token',
  TWILIO_FROM: '+15005550006',
  // Never called: the dispatcher does not run.
  TWILIO_BASE_URL: 'http://127.0.0.1:9',
}

export interface IncidentRow {
  id: string
  class: string
  state: string
  floors: string
  group_key: string
  merged_into: string | null
}

export interface PagingRun {
  result: RunResult
  /** Every job of the outbox, folded ones included. */
  jobs: OutboxJob[]
  incidents: IncidentRow[]
  /** The scenario's start (epoch ms). */
  start: number
  /** Every note of every alert's history and incident's timeline, with who wrote it. */
  notes: { source: 'alert' | 'incident'; action: string; actor: string; note: string }[]
}

type Participant = NonNullable<VirtualOptions['participant']>

const dirs: string[] = []

/** Removes the run directories (call from afterAll). */
export function removeRunDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
}

/**
 * Runs `scenario` with the notifier joined. `atEnd` acts after the timeline, e.g. the brigade
 * resolving what is still open, so that all-clears are planned too.
 */
export async function runWithPaging(
  scenario: LoadedScenario,
  atEnd?: (alarm: AlarmPath) => void,
): Promise<PagingRun> {
  const dir = mkdtempSync(join(tmpdir(), 'fw-paging-'))
  dirs.push(dir)
  const alertDb = join(dir, 'alerts.db')
  const participant: Participant = (run) => joinNotifier(run, scenario, dir, atEnd)
  const result = await runScenarioVirtual(scenario, { alertDb, participant })
  const db = new Database(alertDb, { readonly: true })
  try {
    const jobs = db.prepare('SELECT * FROM notify_jobs ORDER BY id').all() as OutboxJob[]
    const incidents = db.prepare('SELECT * FROM incidents ORDER BY opened_at').all() as IncidentRow[]
    const notes = db
      .prepare(
        "SELECT 'alert' AS source, action, actor, note FROM alert_history WHERE note IS NOT NULL " +
          "UNION ALL SELECT 'incident', action, actor, note FROM incident_timeline WHERE note IS NOT NULL",
      )
      .all() as PagingRun['notes']
    return { result, jobs, incidents, start: scenario.start, notes }
  } finally {
    db.close()
  }
}

function joinNotifier(
  { store, clock, alarm }: Parameters<Participant>[0],
  scenario: LoadedScenario,
  dir: string,
  atEnd: ((alarm: AlarmPath) => void) | undefined,
): RunParticipant {
  const log = new MemoryLogger()
  const channels = createChannels(ChannelsEnvChecked.parse(TWILIO), { dataDir: dir, clock, log })
  const notifier = createNotifier({
    store,
    site: scenario.site,
    channels,
    clock,
    log,
    dataDir: dir,
    publicUrl: () => 'http://firewatch.test',
    acknowledge: (id, actor, note) => alarm.alerts.acknowledge(id, actor, note),
    acknowledgeIncident: (id, actor, note) => alarm.alerts.incidents.acknowledge(id, actor, note),
  })
  // Stopped before it starts: its kicks do nothing, the stand-in below "sends".
  void notifier.stop()
  const deliver = (now: number) => {
    for (const job of notifier.outbox.claimDue(now, now + 1, 1000))
      notifier.outbox.markSent(job.id, `virtual-${job.id}`, now)
  }
  return {
    observer: notifier,
    tick(now) {
      deliver(now)
      notifier.escalation.escalate(now)
    },
    finish() {
      atEnd?.(alarm)
      deliver(clock.now())
    },
  }
}

/** What reached one person: messages sent (pages, updates, digests, all-clears), by kind and hour. */
export interface PersonCount {
  contact: string
  /** Every message sent to the person. */
  messages: number
  /** Of them, pages (first pages and escalation steps). */
  pages: number
  updates: number
  digests: number
  allClears: number
  /** Pages folded into a digest instead of being sent. */
  folded: number
  /** The most messages in any hour (a sliding window, as the budget counts). */
  maxPerHour: number
}

const HOUR_MS = 3_600_000

/** Counts, per contact, the messages the stand-in provider sent. */
export function countPerPerson(run: PagingRun): PersonCount[] {
  const byContact = new Map<string, OutboxJob[]>()
  for (const job of run.jobs) {
    const own = byContact.get(job.contact) ?? []
    own.push(job)
    byContact.set(job.contact, own)
  }
  return [...byContact]
    .map(([contact, jobs]) => {
      const sent = jobs.filter((j) => j.state === 'sent')
      const times = sent.map((j) => j.finished_at ?? j.created_at).sort((a, b) => a - b)
      const inHourFrom = (t: number) => times.filter((x) => x >= t && x < t + HOUR_MS).length
      const of = (kind: OutboxJob['kind']) => sent.filter((j) => j.kind === kind).length
      return {
        contact,
        messages: sent.length,
        pages: of('alert'),
        updates: of('update'),
        digests: of('digest'),
        allClears: of('all_clear'),
        folded: jobs.filter((j) => j.state === 'folded').length,
        maxPerHour: Math.max(0, ...times.map(inHourFrom)),
      }
    })
    .sort((a, b) => a.contact.localeCompare(b.contact))
}

/** "engineer-on-call 3 (3 pages, 0 updates, 0 digests, 0 all-clears; 1 folded; at most 3 an hour)". */
export function describeCounts(counts: PersonCount[]): string {
  return counts
    .map(
      (c) =>
        `${c.contact} ${c.messages} (${c.pages} pages, ${c.updates} updates, ${c.digests} digests, ` +
        `${c.allClears} all-clears; ${c.folded} folded; at most ${c.maxPerHour} an hour)`,
    )
    .join('\n')
}
