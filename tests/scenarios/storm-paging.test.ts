import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { formatReport } from '../../simulators/runner/report.ts'
import { loadScenario, scenarioFromObject } from '../../simulators/scenario/load-scenario.ts'
import { ROOT } from '../support/paths.ts'
import { countPerPerson, describeCounts, removeRunDirs, runWithPaging } from './paging-harness.ts'

// An alarm storm on the demo site, paged in virtual time by the real notifier: the office fire of
// office-fire-confirmed.yaml (Tower A 25F, confirmed by its distribution board and a sprinkler),
// and at 4 min the fire trips Tower A's power: every other device of the tower drops at once (31
// devices on 15 floors, 1F and B1 dark as whole floors). The brigade acknowledges the fire at 6 min
// and resolves it after the timeline. What a manager accepts: a handful of pages per person.

afterAll(removeRunDirs)

const office = loadScenario(join(ROOT, 'simulators/scenarios/office-fire-confirmed.yaml'))
const FIRE_FLOOR = 25
// The fire panel's parts are heard through their UITD, not over MQTT: the power cut is the sensors'.
const dark = office.site.devices
  .filter((d) => d.building === 'tower-a' && d.floor !== FIRE_FLOOR && d.kind !== 'panel_component')
  .map((d) => d.id)

function stormOnTheDemoSite() {
  return scenarioFromObject(
    {
      name: 'office-fire-storm',
      description: 'a confirmed office fire on 25F, then Tower A loses power',
      site: 'gateway/demo-site.yaml',
      duration: '15m',
      seed: 25,
      background: 'all',
      devices: [{ id: 'ta-25-elec-01' }, { id: 'ta-25-smoke-01' }, { id: 'ta-25-sprinkler-01' }],
      timeline: [
        { at: '1m', device: 'ta-25-elec-01', do: 'overheat', to: 40, over: '3m' },
        { at: '3m', device: 'ta-25-smoke-01', do: 'flame', to: 1.2, over: '3m' },
        { at: '4m', devices: dark, do: 'disconnect' },
        { at: '5m', device: 'ta-25-sprinkler-01', do: 'discharge', to: 0.12, over: '6s' },
      ],
      actions: [{ at: '6m', ack: { rule: 'fire.confirmed', zone: '25-east' }, as: 'brigade' }],
      expect: [
        { opens: { rule: 'fire.confirmed', zone: '25-east' }, within: ['3m', '4m30s'], count: 1 },
        { opens: { rule: 'device.offline' }, within: ['5m', '5m05s'], count: dark.length },
      ],
    },
    '<office-fire-storm>',
    ROOT,
  )
}

describe('Paging an alarm storm', () => {
  it('When a confirmed fire trips the power of 31 devices on 15 floors, then the manager gets 4 messages (3 pages, 1 all-clear), nobody more, no dark device or floor pages, and the fire stays on 25F', async () => {
    const run = await runWithPaging(stormOnTheDemoSite(), (alarm) => {
      for (const incident of alarm.alerts.incidents.active()) {
        const res = { disposition: 'real_fire' as const, cause: null, note: null }
        alarm.alerts.incidents.resolve(incident.id, 'brigade', res)
      }
    })
    expect(run.result.missed, formatReport(run.result)).toEqual([])
    const fires = run.incidents.filter((i) => i.class === 'fire')
    expect(fires).toHaveLength(1)
    // The offline alerts are members of the fire (storm control), but the fire is where its fire
    // alarms and pre-alarms are: before, every dark floor read as the fire reaching it.
    expect(JSON.parse(fires[0]!.floors)).toEqual([FIRE_FLOOR])
    const counts = countPerPerson(run)
    const summary = describeCounts(counts)
    // Measured: li-wei (manager) the fire page, its reminder a minute later, the sprinkler
    // branch's pressure drop (supervisory, 20 s before its waterflow alarm made it part of the
    // fire: storm control never holds back water-supply trouble) and the all-clear; the engineer
    // on call the distribution board's pre-alarm (before the fire), the pressure drop and the
    // all-clear; the deputy and the security desk the second level (at 5 min, before the brigade
    // acknowledged) and the all-clear. Nobody an update: before, the 25F confirmation sent the
    // manager one in the second of his page, the dark floors one more to everyone told, and the
    // distribution board's cable alarm (after its pre-alarm joined the fire) paged two people.
    expect(
      counts.map((c) => [c.contact, c.pages, c.updates, c.allClears]),
      summary,
    ).toEqual([
      ['engineer-on-call', 2, 0, 1],
      ['li-wei', 3, 0, 1],
      ['security-desk', 1, 0, 1],
      ['wang-fang', 1, 0, 1],
    ])
    for (const c of counts) expect(c.messages, summary).toBeLessThanOrEqual(4)
    // No dark device and no dark floor paged anyone on its own.
    const offline = run.jobs.filter((j) => j.class === 'offline' && j.state === 'sent')
    expect(offline).toEqual([])
  })
})
