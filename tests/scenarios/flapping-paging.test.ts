import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { formatReport } from '../../simulators/runner/report.ts'
import { loadScenario, scenarioFromObject } from '../../simulators/scenario/load-scenario.ts'
import { ROOT } from '../support/paths.ts'
import { countPerPerson, describeCounts, removeRunDirs, runWithPaging } from './paging-harness.ts'

// A flapping sensor on the demo site, paged in virtual time by the real notifier: what each person
// gets, per hour. The demo policy sends warnings and faults to the engineer on call, then after an
// hour to the building's manager; its budget is 5 messages per person per hour, then one digest.

afterAll(removeRunDirs)

const DETECTOR = 'tb-13-smoke-02'

/** A dusty detector whose pre-alarm clears for good and comes back every 6 min for an hour. */
function clearingAndReturning() {
  const timeline: Record<string, unknown>[] = []
  for (let minute = 10; minute < 70; minute += 6) {
    timeline.push({ at: `${minute}m`, device: DETECTOR, do: 'set', metric: 'smoke_dbm', value: 0.2 })
    timeline.push({ at: `${minute + 3}m`, device: DETECTOR, do: 'set', metric: 'smoke_dbm', value: 0.05 })
  }
  return scenarioFromObject(
    {
      name: 'flapping-clears',
      description: 'a pre-alarm that clears and returns ten times in an hour',
      site: 'gateway/demo-site.yaml',
      duration: '130m',
      seed: 13,
      background: 'all',
      devices: [{ id: DETECTOR }],
      timeline,
      expect: [{ opens: { rule: 'smoke.prealarm', device: DETECTOR }, count: 10 }],
    },
    '<flapping-clears>',
    ROOT,
  )
}

describe('Paging a flapping sensor', () => {
  it('When the flapping-sensor scenario runs (one pre-alarm and one battery fault for an hour), then one incident: the engineer gets 3 messages and the manager 2, at most 2 in any hour', async () => {
    const run = await runWithPaging(loadScenario(join(ROOT, 'simulators/scenarios/flapping-sensor.yaml')))
    expect(run.result.missed, formatReport(run.result)).toEqual([])
    // The battery fault and the pre-alarm of one device are one situation.
    expect(run.incidents.map((i) => [i.class, i.group_key])).toEqual([['warning', `device:${DETECTOR}`]])
    const counts = countPerPerson(run)
    // Measured: engineer-on-call 1 page (the battery fault), 1 update (it became a pre-alarm
    // 10 s later), 1 all-clear; li-wei and wang-fang nothing (Tower A); chen-jie, Tower B's
    // manager, 1 page when the hour without acknowledgement ran out, and the all-clear.
    expect(
      counts.map((c) => [c.contact, c.pages, c.updates, c.digests, c.allClears]),
      describeCounts(counts),
    ).toEqual([
      ['chen-jie', 1, 0, 0, 1],
      ['engineer-on-call', 1, 1, 0, 1],
    ])
    for (const c of counts) expect(c.maxPerHour, c.contact).toBeLessThanOrEqual(2)
  })

  it('When a pre-alarm clears and returns ten times in an hour, then the engineer gets 5 pages and one digest of the other 5, never more than 5 in an hour', async () => {
    const run = await runWithPaging(clearingAndReturning())
    expect(run.result.missed, formatReport(run.result)).toEqual([])
    // Each return is a new situation (the last one ended): ten incidents, one after the other.
    expect(run.incidents).toHaveLength(10)
    const counts = countPerPerson(run)
    // Each incident is resolved by its own clear within 3 min: nobody else is ever paged.
    expect(
      counts.map((c) => [c.contact, c.pages, c.digests, c.folded, c.maxPerHour]),
      describeCounts(counts),
    ).toEqual([['engineer-on-call', 5, 1, 5, 5]])
  })
})
