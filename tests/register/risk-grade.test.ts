import { describe, expect, it } from 'vitest'
import { RiskGradeSettings } from '../../ingest/site/register-schema.ts'
import { gradeOf, type RiskInputs } from '../../register/risk-grade.ts'

// The grade rule with the site file's defaults (docs/register.md "Risk grade"): points per factor,
// yellow at 10, red at 30; grey when too few devices report to trust a green.

const defaults = RiskGradeSettings.parse({})
const quiet: RiskInputs = {
  hazards: { escalated: 0, overdue_major: 0, overdue_general: 0, open_major: 0, open_general: 0 },
  intactness: 1,
  fires: 0,
  falseAlarms: 0,
  unexplained: 0,
  missedPatrols: 0,
  openFaults: 0,
}

describe('the risk grade of a building', () => {
  it('When no device of a building reports and nothing else is known against it, then it is grey, not red', () => {
    const g = gradeOf({ ...quiet, intactness: 0 }, defaults)
    expect(g).toMatchObject({
      grade: 'grey',
      score: 0,
      factors: [{ key: 'intactness', count: 95, points: 0 }],
    })
  })

  it('When a fifth of the devices is silent, then grey; when a tenth is, then green with 5 points of shortfall', () => {
    expect(gradeOf({ ...quiet, intactness: 0.79 }, defaults).grade).toBe('grey')
    expect(gradeOf({ ...quiet, intactness: 0.9 }, defaults)).toMatchObject({ grade: 'green', score: 5 })
    expect(gradeOf({ ...quiet, intactness: 0.8 }, defaults)).toMatchObject({ grade: 'yellow', score: 15 })
  })

  it('When a poorly monitored building has a supervised hazard and a fire, then what is known makes it red, the silence adding no points', () => {
    const g = gradeOf(
      { ...quiet, intactness: 0.5, fires: 1, hazards: { ...quiet.hazards, escalated: 1 } },
      defaults,
    )
    expect(g).toMatchObject({ grade: 'red', score: 30 })
    expect(gradeOf({ ...quiet, intactness: 0.5, fires: 1 }, defaults).grade).toBe('yellow')
  })

  it('When everything reports and nothing is open, then green with no factors', () => {
    expect(gradeOf(quiet, defaults)).toEqual({ grade: 'green', score: 0, intactness: 1, factors: [] })
  })
})
