import { describe, expect, it } from 'vitest'
import { type CronJob, startCronJobs } from '../../alerting/schedules/cron-jobs.ts'
import { MemoryLogger } from '../alerting/fixtures/lifecycle-harness.ts'

describe('node-cron adapter (live)', () => {
  it('When node-cron fires, then it calls the job with the injected clock and survives a failing run', async () => {
    const log = new MemoryLogger()
    let calls = 0
    let release: (times: number[]) => void = () => {}
    const done = new Promise<number[]>((resolve) => {
      release = resolve
    })
    const seen: number[] = []
    const job: CronJob = {
      name: 'probe',
      // Every second (node-cron's six-field form), so the test waits about two seconds.
      cron: '* * * * * *',
      run(now) {
        seen.push(now)
        calls++
        if (calls === 1) throw new Error('first run fails')
        release(seen)
      },
    }
    const jobs = startCronJobs([job], {
      clock: { now: () => 1_795_341_600_000 + calls },
      log,
      timezone: 'Asia/Shanghai',
    })
    try {
      expect(await done).toEqual([1_795_341_600_000, 1_795_341_600_001])
      expect(log.entries.filter((e) => e.level === 'error').map((e) => e.msg)).toEqual([
        'scheduled job failed',
      ])
    } finally {
      await jobs.stop()
    }
  })
})
