import { getTasks } from 'node-cron'
import { describe, expect, it } from 'vitest'
import { type CronJob, startCronJobs } from '../../alerting/schedules/cron-jobs.ts'
import { MemoryLogger } from '../alerting/fixtures/lifecycle-harness.ts'

/** `promise`, or a failure naming `what` after `ms`: a live test waits for an outcome, bounded. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms)
  })
  return Promise.race([promise, late]).finally(() => clearTimeout(timer))
}

/** Counts node-cron's wake-ups of the adapter (its one task); `after(n)` waits for the n-th. */
function adapterWakes() {
  const task = [...getTasks().values()].find((t) => t.name === 'firewatch-scheduled-work')
  if (!task) throw new Error('the adapter has no node-cron task')
  let count = 0
  const waiting: { n: number; resolve: () => void }[] = []
  task.on('execution:finished', () => {
    count++
    for (const w of waiting.filter((w) => w.n <= count)) w.resolve()
  })
  return {
    get count() {
      return count
    },
    after: (n: number) => new Promise<void>((resolve) => waiting.push({ n, resolve })),
  }
}

describe('node-cron adapter (live)', () => {
  it('When node-cron wakes it, then the due jobs run once in the minute with the injected clock, and a failing run is logged once', async () => {
    const log = new MemoryLogger()
    const seen: { job: string; now: number }[] = []
    let release: (wakesFinished: number) => void = () => {}
    const probed = new Promise<number>((resolve) => {
      release = resolve
    })
    // The injected clock advances a second at each reading: each run must get its own reading,
    // which Date.now() would not give.
    const issued: number[] = []
    const clock = {
      now: () => {
        const t = 1_795_341_600_000 + issued.length * 1_000
        issued.push(t)
        return t
      },
    }
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
          // Runs inside a wake-up that has not finished yet.
          release(wakes.count)
        },
      },
      { name: 'not-due', cron: `${otherMinute} * * * *`, run: (now) => seen.push({ job: 'not-due', now }) },
    ]
    const running = startCronJobs(jobs, {
      clock,
      log,
      timezone: 'Asia/Shanghai',
      // Woken every second, so the test waits about one second: the jobs still run once a minute.
      heartbeat: '* * * * * *',
    })
    const wakes = adapterWakes()
    try {
      const before = await within(probed, 3_000, 'run of the probe job')
      // The probe's wake-up and two more: the adapter is woken again in the same minute (or the next
      // one, which runs the jobs again: allowed).
      await within(wakes.after(before + 3), 3_000, 'two more wake-ups')
      const minuteRuns = seen.filter((s) => s.job === 'probe').length
      expect(minuteRuns).toBeLessThanOrEqual(2)
      expect(seen.filter((s) => s.job === 'failing')).toHaveLength(minuteRuns)
      expect(seen.some((s) => s.job === 'not-due')).toBe(false)
      expect(seen.map((s) => s.now)).toEqual(issued)
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
