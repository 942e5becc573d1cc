import { describe, expect, it } from 'vitest'
import { type CronJob, startCronJobs } from '../../alerting/schedules/cron-jobs.ts'
import { MemoryLogger } from '../alerting/fixtures/lifecycle-harness.ts'

describe('node-cron adapter (live)', () => {
  it('When node-cron wakes it, then the due jobs run once in the minute with the injected clock, and a failing run is logged once', async () => {
    const log = new MemoryLogger()
    const seen: { job: string; now: number }[] = []
    let release: () => void = () => {}
    const done = new Promise<void>((resolve) => {
      release = resolve
    })
    // A minute that is not the current one (unless the test runs for half an hour).
    const otherMinute = (new Date().getUTCMinutes() + 30) % 60
    const jobs: CronJob[] = [
      {
        name: 'failing',
        cron: '* * * * *',
        run(now) {
          seen.push({ job: 'failing', now })
          throw new Error('this run fails')
        },
      },
      {
        name: 'probe',
        cron: '* * * * *',
        run(now) {
          seen.push({ job: 'probe', now })
          release()
        },
      },
      { name: 'not-due', cron: `${otherMinute} * * * *`, run: (now) => seen.push({ job: 'not-due', now }) },
    ]
    const running = startCronJobs(jobs, {
      clock: { now: () => 1_795_341_600_000 },
      log,
      timezone: 'Asia/Shanghai',
      // Woken every second, so the test waits about one second: the jobs still run once a minute.
      heartbeat: '* * * * * *',
    })
    try {
      await done
      // Two more wake-ups in the same minute (or the next one, which runs them again: allowed).
      await new Promise((resolve) => setTimeout(resolve, 2200))
      const minuteRuns = seen.filter((s) => s.job === 'probe').length
      expect(minuteRuns).toBeGreaterThanOrEqual(1)
      expect(minuteRuns).toBeLessThanOrEqual(2)
      expect(seen.filter((s) => s.job === 'failing')).toHaveLength(minuteRuns)
      expect(seen.every((s) => s.now === 1_795_341_600_000 && s.job !== 'not-due')).toBe(true)
      expect(log.entries.filter((e) => e.level === 'error').map((e) => e.msg)).toEqual(
        Array(minuteRuns).fill('scheduled job failed'),
      )
    } finally {
      await running.stop()
    }
  })

  it('When a job has a seconds field, then the adapter refuses it as the site file does', () => {
    const log = new MemoryLogger()
    const job: CronJob = { name: 'bad', cron: '* * * * * *', run: () => {} }
    expect(() =>
      startCronJobs([job], { clock: { now: () => 0 }, log, timezone: 'UTC', heartbeat: '0 0 1 1 *' }),
    ).toThrow(/seconds field: not supported/)
  })
})
