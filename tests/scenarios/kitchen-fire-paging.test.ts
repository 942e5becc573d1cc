import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { ChannelsEnvChecked, createChannels } from '../../alerting/notify/channels/index.ts'
import { createNotifier } from '../../alerting/notify/notifier.ts'
import type { OutboxJob } from '../../alerting/notify/outbox-store.ts'
import { formatReport } from '../../simulators/runner/report.ts'
import {
  type RunParticipant,
  runScenarioVirtual,
  type VirtualOptions,
} from '../../simulators/runner/virtual-runner.ts'
import { loadScenario } from '../../simulators/scenario/load-scenario.ts'
import { MemoryLogger } from '../alerting/fixtures/lifecycle-harness.ts'
import { ROOT } from '../support/paths.ts'

// The library's kitchen fire (a pan fire on 12F whose smoke reaches 13F) on the demo site, in
// virtual time, with the real notifier observing the gateway's alarm path. Nothing leaves the
// machine: a stand-in provider records every due job as sent at each virtual second, as the
// dispatcher would after the transactions of that second. After the timeline the brigade resolves
// the incident (the detector's own fire_alarm stays latched until then). Then every job planned,
// of every contact, is counted.

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

const TWILIO = {
  SMS_PROVIDER: 'twilio',
  TWILIO_ACCOUNT_SID: `AC${'a1'.repeat(16)}`,
  TWILIO_AUTH_TOKEN: 'twilio-test-token',
  TWILIO_FROM: '+15005550006',
  // Never called: the dispatcher does not run.
  TWILIO_BASE_URL: 'http://127.0.0.1:9',
}

interface Row {
  id: string
  class: string
  state: string
  floors: string
  resolved_at: number | null
  merged_into: string | null
}

async function runKitchenFire() {
  const dir = mkdtempSync(join(tmpdir(), 'fw-kitchen-'))
  dirs.push(dir)
  const alertDb = join(dir, 'alerts.db')
  const scenario = loadScenario(join(ROOT, 'simulators/scenarios/kitchen-fire-spread.yaml'))
  const participant: NonNullable<VirtualOptions['participant']> = ({ store, clock, alarm }) => {
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
    const run: RunParticipant = {
      observer: notifier,
      tick(now) {
        deliver(now)
        notifier.escalation.escalate(now)
      },
      finish() {
        for (const incident of alarm.alerts.incidents.active()) {
          const res = { disposition: 'real_fire' as const, cause: null, note: 'fire out, floors vented' }
          alarm.alerts.incidents.resolve(incident.id, 'brigade', res)
        }
        deliver(clock.now())
      },
    }
    return run
  }
  const result = await runScenarioVirtual(scenario, { alertDb, participant })
  const db = new Database(alertDb, { readonly: true })
  try {
    const jobs = db.prepare('SELECT * FROM notify_jobs ORDER BY id').all() as OutboxJob[]
    const incidents = db.prepare('SELECT * FROM incidents').all() as Row[]
    const members = db.prepare('SELECT id, incident_id, resolved_at FROM alerts').all() as {
      id: string
      incident_id: string
      resolved_at: number | null
    }[]
    const growth = db
      .prepare(
        "SELECT incident_id, at FROM incident_timeline WHERE action IN ('floor_reached', 'class_changed')",
      )
      .all() as { incident_id: string; at: number }[]
    return { result, jobs, incidents, members, growth }
  } finally {
    db.close()
  }
}

describe('Paging a kitchen fire that spreads to the floor above', () => {
  it('When the kitchen fire runs on the demo site, then per contact one first page, at most one update per newly reached floor, and no all-clear while a fire member is open', async () => {
    const { result, jobs, incidents, members, growth } = await runKitchenFire()
    expect(result.missed, formatReport(result)).toEqual([])
    expect(result.notes).toEqual([])
    const fire = incidents.filter((i) => i.class === 'fire')
    expect(fire).toHaveLength(1)
    const kitchen = fire[0]!
    expect(JSON.parse(kitchen.floors)).toEqual([12, 13])
    // The 13F pre-alarm opened its own incident before the 13F fire merged it into the kitchen's.
    expect(incidents.filter((i) => i.class !== 'fire').map((i) => i.merged_into)).toEqual([kitchen.id])
    const paged = jobs.filter((j) => j.incident_id === kitchen.id)
    // The engineer on call (pre-alarm), the manager (fire), the deputy and the security desk
    // (second level, before the brigade acknowledged at 5 min).
    expect([...new Set(paged.map((j) => j.contact))].sort()).toEqual([
      'engineer-on-call',
      'li-wei',
      'security-desk',
      'wang-fang',
    ])
    for (const incident of incidents) {
      const ofIncident = jobs.filter((j) => j.incident_id === incident.id)
      for (const contact of new Set(ofIncident.map((j) => j.contact))) {
        const own = ofIncident.filter((j) => j.contact === contact)
        const what = `${contact} in ${incident.id}`
        const pages = own.filter((j) => j.kind === 'alert')
        expect(pages.filter((j) => j.level === 0 && j.repeat === 0).length, what).toBeLessThanOrEqual(1)
        // No step twice: the job key of each page is its step.
        const stepsOf = new Set(pages.map((j) => j.job_key.split(':').slice(3).join(':')))
        expect(stepsOf.size, what).toBe(pages.length)
        // At most one update per floor newly reached (or class upgrade) since the contact was told;
        // a growth in the very millisecond of its first page counts (the page said less).
        const told = Math.min(...own.map((j) => j.created_at))
        const grew = growth.filter((g) => g.incident_id === incident.id && g.at >= told).length
        expect(own.filter((j) => j.kind === 'update').length, what).toBeLessThanOrEqual(grew)
        // One all-clear per person told, for the incident resolved; none for the one merged.
        const allClears = own.filter((j) => j.kind === 'all_clear').length
        expect(allClears, what).toBe(incident.merged_into === null ? 1 : 0)
      }
    }
    // The manager was told of the fire once, and of 13F once.
    const liWei = paged.filter((j) => j.contact === 'li-wei')
    expect(liWei.filter((j) => j.kind === 'update')).toHaveLength(1)
    // Every all-clear of every contact: its incident resolved (not merged), no member open then.
    for (const job of jobs.filter((j) => j.kind === 'all_clear')) {
      const incident = incidents.find((i) => i.id === job.incident_id)!
      expect(incident.merged_into).toBeNull()
      expect(incident.resolved_at).toBeLessThanOrEqual(job.created_at)
      for (const m of members.filter((a) => a.incident_id === incident.id)) {
        expect(m.resolved_at, m.id).not.toBeNull()
        expect(m.resolved_at!, m.id).toBeLessThanOrEqual(job.created_at)
      }
    }
  })
})
