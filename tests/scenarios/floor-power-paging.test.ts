import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { formatReport } from '../../simulators/runner/report.ts'
import { loadScenario, scenarioFromObject } from '../../simulators/scenario/load-scenario.ts'
import { ROOT } from '../support/paths.ts'
import {
  countPerPerson,
  describeCounts,
  type PagingRun,
  removeRunDirs,
  runWithPaging,
} from './paging-harness.ts'

// A floor losing power on the demo site, paged in virtual time by the real notifier. The demo
// policy pages offline incidents to the engineer on call (the manager after an hour). A manager
// accepts one page for the dark floor, not one per device: the floor.offline incident's.

afterAll(removeRunDirs)

const FLOOR_1F = ['ta-01-smoke-01', 'ta-01-smoke-02', 'ta-01-sprinkler-01', 'ta-01-elec-01']

/** The demo site as an object, to add devices to. */
function demoSite(): Record<string, unknown> & { devices: Record<string, unknown>[] } {
  return parse(readFileSync(join(ROOT, 'gateway/demo-site.yaml'), 'utf8'))
}

/**
 * Tower A 1F loses power at 10 min, the broker noticing each device gone `staggerSec` after the
 * one before (each device's keep-alive runs out at its own time); power is back at 40 min.
 */
function staggered(devices: string[], staggerSec: number, site: unknown = 'gateway/demo-site.yaml') {
  return scenarioFromObject(
    {
      name: 'floor-power-loss-staggered',
      description: 'Tower A 1F loses power; its devices drop one by one',
      site,
      duration: '50m',
      seed: 1,
      background: 'all',
      devices: devices.map((id) => ({ id })),
      timeline: [
        ...devices.map((device, i) => ({ at: `${600 + i * staggerSec}s`, device, do: 'disconnect' })),
        { at: '40m', devices, do: 'reconnect' },
      ],
      expect: [{ opens: { rule: 'floor.offline', floor: 1 }, count: 1 }],
    },
    '<floor-power-loss-staggered>',
    ROOT,
  )
}

/** The engineer's messages; nobody else may get any. */
function onlyTheEngineer(run: PagingRun) {
  const counts = countPerPerson(run)
  const sent = counts.filter((c) => c.messages > 0)
  expect(
    sent.map((c) => c.contact),
    describeCounts(counts),
  ).toEqual(['engineer-on-call'])
  return sent[0]!
}

/** The one page sent is the floor incident's. */
function pagedForTheFloor(run: PagingRun): void {
  const floor = run.incidents.find((i) => i.group_key === 'floor:floor:tower-a:1')!
  const sent = run.jobs.filter((j) => j.state === 'sent' && j.kind === 'alert')
  expect(sent.map((j) => j.incident_id)).toEqual([floor.id])
  // Every device's own incident was merged into the floor's before its page could go out.
  for (const i of run.incidents.filter((x) => x.id !== floor.id)) expect(i.merged_into).toBe(floor.id)
}

describe('Paging a floor that loses power', () => {
  it('When the floor-power-loss scenario runs (four devices of 1F drop at once), then the engineer gets 1 page, for the floor', async () => {
    const run = await runWithPaging(loadScenario(join(ROOT, 'simulators/scenarios/floor-power-loss.yaml')))
    expect(run.result.missed, formatReport(run.result)).toEqual([])
    // Measured: 1 page; the floor's incident was acknowledged at 15 min (the brigade acknowledged
    // one of its devices), so no escalation, and an offline incident sends no all-clear.
    expect(onlyTheEngineer(run)).toMatchObject({ messages: 1, pages: 1, maxPerHour: 1 })
    pagedForTheFloor(run)
  })

  it('When the four devices of 1F drop 10 s apart, then the engineer still gets 1 page, for the floor (4 before device pages were held)', async () => {
    const run = await runWithPaging(staggered(FLOOR_1F, 10))
    expect(run.result.missed, formatReport(run.result)).toEqual([])
    expect(onlyTheEngineer(run)).toMatchObject({ messages: 1, pages: 1 })
    pagedForTheFloor(run)
  })

  it('When a floor of ten devices drops over 90 s, more than the budget of 5, then the engineer gets 1 page, not a digest', async () => {
    const site = demoSite()
    const extra = Array.from({ length: 6 }, (_, i) => `ta-01-smoke-1${i}`)
    for (const id of extra) {
      site.devices.push({
        id,
        building: 'tower-a',
        floor: 1,
        zone: '1-east',
        kind: 'smoke_detector',
        label: `Lobby 1F ${id.slice(-1)}`,
        secret: `demo-${id}`,
      })
    }
    const run = await runWithPaging(staggered([...FLOOR_1F, ...extra], 10, site))
    expect(run.result.missed, formatReport(run.result)).toEqual([])
    expect(onlyTheEngineer(run)).toMatchObject({ messages: 1, pages: 1, digests: 0, folded: 0 })
    pagedForTheFloor(run)
  })
})
