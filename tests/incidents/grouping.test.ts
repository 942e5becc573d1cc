import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runScenarioVirtual } from '../../simulators/runner/virtual-runner.ts'
import { loadScenario } from '../../simulators/scenario/load-scenario.ts'
import type { LoadedScenario, PersonAction } from '../../simulators/scenario/scenario-types.ts'
import { ROOT } from '../support/paths.ts'

const KITCHEN = join(ROOT, 'simulators/scenarios/kitchen-fire-spread.yaml')
const min = (m: number) => m * 60_000

function withActions(scenario: LoadedScenario, ...extra: Partial<PersonAction>[]): LoadedScenario {
  const brigade = scenario.site.file.apiTokens.find((t) => t.name === 'brigade')!
  const actions = extra.map(
    (a): PersonAction => ({
      at: 0,
      type: 'resolve_incident',
      match: {},
      disposition: null,
      cause: null,
      tokenName: brigade.name,
      token: brigade.token,
      note: null,
      ...a,
    }),
  )
  return { ...scenario, actions: [...scenario.actions, ...actions].sort((x, y) => x.at - y.at) }
}

describe('Incidents in a kitchen fire that spreads to the floor above', () => {
  it('When a detector pre-alarms, alarms and the fire reaches 13F, then it is all one incident, floors in the order reached', async () => {
    const run = await runScenarioVirtual(loadScenario(KITCHEN))
    const fires = run.incidents!.filter((i) => i.building === 'tower-a' && i.class === 'fire')
    expect(fires).toHaveLength(1)
    const fire = fires[0]!
    expect(fire.floors).toEqual([12, 13])
    const members = run.alerts.filter((a) => a.incident === fire.id)
    expect(members.map((a) => a.rule).sort()).toEqual(
      expect.arrayContaining(['smoke.prealarm', 'smoke.alarm', 'fire.spread']),
    )
    expect(new Set(fire.alerts)).toEqual(new Set(members.map((a) => a.id)))
    // Every fire alert of the building belongs to it: none opened an incident of its own.
    expect(
      run.alerts
        .filter((a) => a.building === 'tower-a' && a.class === 'fire')
        .every((a) => a.incident === fire.id),
    ).toBe(true)
    expect(fire.title).toMatch(/12F > 13F/)
  })

  it('When the brigade acknowledges one alarm, then the incident and every member are acknowledged, later members too', async () => {
    const run = await runScenarioVirtual(loadScenario(KITCHEN))
    const fire = run.incidents!.find((i) => i.class === 'fire')!
    expect(fire.acknowledgedBy).toBe('brigade')
    expect(Date.parse(fire.acknowledgedAt!) - run.scenario.start).toBe(min(5))
    const thirteen = run.alerts.find((a) => a.device === 'ta-13-smoke-01' && a.rule === 'smoke.alarm')!
    expect(thirteen.incident).toBe(fire.id)
    expect(thirteen.acknowledgedAt).not.toBeNull()
  })

  it('When one latched fire alarm is still active, then the incident stays open; resolving the incident ends every member', async () => {
    const base = loadScenario(KITCHEN)
    const run = await runScenarioVirtual(
      withActions(base, {
        at: min(28),
        match: { device: 'ta-12-smoke-03' },
        disposition: 'real_fire',
        note: 'kitchen fire',
      }),
    )
    const fire = run.incidents!.find((i) => i.class === 'fire')!
    expect(run.actions.at(-1)).toMatchObject({ ok: true })
    expect(fire.state).toBe('resolved')
    expect(fire.disposition).toMatchObject({ kind: 'real_fire', by: 'brigade', note: 'kitchen fire' })
    expect(run.alerts.filter((a) => a.incident === fire.id).every((a) => a.state === 'resolved')).toBe(true)
    expect(Date.parse(fire.resolvedAt!) - run.scenario.start).toBe(min(28))
  })

  it('When a fire incident is resolved without a disposition, then it is refused and stays open', async () => {
    const run = await runScenarioVirtual(
      withActions(loadScenario(KITCHEN), { at: min(28), match: { device: 'ta-12-smoke-03' } }),
    )
    expect(run.actions.at(-1)).toMatchObject({ ok: false, detail: 'a fire incident needs a disposition' })
    expect(run.incidents!.find((i) => i.class === 'fire')!.state).not.toBe('resolved')
  })
})
