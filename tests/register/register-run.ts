import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AlarmPath } from '../../alerting/alarm-path.ts'
import { AlertStore } from '../../alerting/alert-store.ts'
import { ChannelsEnvChecked, createChannels } from '../../alerting/notify/channels/index.ts'
import type { CronJob } from '../../alerting/schedules/cron-jobs.ts'
import type { Reading } from '../../ingest/reading.ts'
import type { SiteModel } from '../../ingest/site/site-model.ts'
import { answerHistory, type HistoryRequest } from '../../ingest/store/history-query.ts'
import { SqliteReadings } from '../../ingest/store/sqlite-readings.ts'
import { AlertReads } from '../../register/alert-reads.ts'
import type { MonthlyDeps } from '../../register/monthly-report.ts'
import { RegisterEnv } from '../../register/register-config.ts'
import { createRegister, type RegisterPart } from '../../register/register-part.ts'
import type { ManualClock } from '../../simulators/runner/manual-clock.ts'
import type { RunResult } from '../../simulators/runner/run-result.ts'
import { runScenarioVirtual } from '../../simulators/runner/virtual-runner.ts'
import { parseScenario } from '../../simulators/scenario/load-scenario.ts'
import { MemoryLogger } from '../alerting/fixtures/lifecycle-harness.ts'
import { startWebhookReceiver, type WebhookReceiver } from '../support/peers/webhook-receiver.ts'

// A scenario in virtual time with the hazard register joining the run as the gateway wires it:
// its node-cron jobs run at their virtual minutes (simulators/runner/virtual-cron.ts), notices go
// through the real webhook channel to a real local receiver, readings into the real embedded
// store (flushed before every job, as the gateway's writer would have them by then). People's
// steps in the register are jobs too, at the local minute they are taken.

export const WEBHOOK_SECRET = 'whsec-register-0123456789'

/** What joins the run beside the register: more scheduled work (e.g. the patrol checks). */
export interface Joined {
  site: SiteModel
  register: RegisterPart
  store: AlertStore
  alarm: AlarmPath
  clock: ManualClock
  dir: string
  log: MemoryLogger
}

/** A person's step at a site-local time (`2026-10-08T12:00`); what it returned is kept. */
export interface PersonStep {
  at: string
  name: string
  act(register: RegisterPart, now: number): unknown
}

export interface RegisterRun {
  run: RunResult
  register: RegisterPart
  /** The run's alert file opened again after the run (the run closes its own connection). */
  alerts: AlertStore
  /** What the monthly report reads, on that connection. */
  monthlyDeps: MonthlyDeps
  webhook: WebhookReceiver
  readings: SqliteReadings
  /** What each person step returned, by name. */
  steps: Map<string, unknown>
  close(): Promise<void>
}

export async function runWithRegister(
  scenarioYaml: (webhookUrl: string) => string,
  steps: readonly PersonStep[],
  options: { extraJobs?: (joined: Joined) => CronJob[] } = {},
): Promise<RegisterRun> {
  const dir = mkdtempSync(join(tmpdir(), 'fw-register-run-'))
  let virtualNow = 0
  const clock = { now: () => virtualNow }
  const webhook = await startWebhookReceiver({
    secret: WEBHOOK_SECRET,
    now: () => virtualNow,
    toleranceSec: 60,
  })
  const scenario = parseScenario(scenarioYaml(webhook.url))
  const log = new MemoryLogger()
  const readings = SqliteReadings.open({
    file: join(dir, 'readings.db'),
    retentionDays: 3650,
    clock,
    log: log as never,
  })
  const readingsHistory = { history: (q: HistoryRequest) => answerHistory(readings, q) }
  const pending: Reading[] = []
  const results = new Map<string, unknown>()
  let register: RegisterPart | undefined
  const flush = async () => {
    if (pending.length > 0) await readings.writeReadings(pending.splice(0))
  }
  const alertDb = join(dir, 'alerts.db')
  const run = await runScenarioVirtual(scenario, {
    alertDb,
    sinks: () => [{ readingsAccepted: (rs) => void pending.push(...rs) }],
    participant: ({ store, clock: manual, alarm }) => {
      virtualNow = manual.now()
      const part = createRegister({
        site: scenario.site,
        dataDir: dir,
        alertsDb: store.db,
        readings: readingsHistory,
        channels: createChannels(ChannelsEnvChecked.parse({}), { dataDir: dir, clock: manual, log }),
        clock: manual,
        log,
        publicUrl: () => 'http://firewatch.test',
        env: RegisterEnv.parse({ REPORT_PDF_BROWSER: 'off' }),
      })
      register = part
      const personJobs = steps.map((s) => personJob(s, part, results))
      const joined = { site: scenario.site, register: part, store, alarm, clock: manual, dir, log }
      const jobs = [...part.jobs, ...(options.extraJobs?.(joined) ?? []), ...personJobs].map((job) => ({
        ...job,
        run: async (now: number) => {
          virtualNow = now
          await flush()
          await job.run(now)
          await part.settled()
        },
      }))
      return {
        tick: (now) => {
          virtualNow = now
        },
        schedule: { timezone: scenario.site.timezone, jobs },
      }
    },
  })
  await flush()
  const alerts = AlertStore.open(alertDb, { synchronous: 'normal' })
  const { store, grades } = register!
  return {
    run,
    register: register!,
    alerts,
    monthlyDeps: {
      site: scenario.site,
      store,
      alerts: new AlertReads(alerts.db),
      readings: readingsHistory,
      grades,
    },
    webhook,
    readings,
    steps: results,
    async close() {
      register?.close()
      alerts.close()
      await readings.close()
      await webhook.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** A step as a job whose cron names its local minute (it runs once within a run of days). */
function personJob(step: PersonStep, register: RegisterPart, results: Map<string, unknown>): CronJob {
  const m = /^\d{4}-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(step.at)
  if (!m) throw new Error(`step ${step.name}: at must be a local date-time`)
  const [, month, day, hour, minute] = m.map(Number) as [number, number, number, number, number]
  return {
    name: `person:${step.name}`,
    cron: `${minute} ${hour} ${day} ${month} *`,
    run: async (now) => {
      results.set(step.name, await step.act(register, now))
    },
  }
}
