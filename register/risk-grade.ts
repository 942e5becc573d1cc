import type { RiskGradeSettings } from '../ingest/site/register-schema.ts'

// The risk grade of a building (风险等级: 绿 / 灰 / 黄 / 红), from its hazards, the health of its
// facilities, its alarms and its duty patrols. Points per factor and the thresholds come from the
// site file (register.grade); the defaults are engineering choices listed in docs/register.md.

export const RISK_GRADES = ['green', 'grey', 'yellow', 'red'] as const
export type RiskGrade = (typeof RISK_GRADES)[number]

export const FACTOR_KEYS = [
  'escalated',
  'overdue_major',
  'overdue_general',
  'open_major',
  'open_general',
  'intactness',
  'fire',
  'false_alarm',
  'unexplained_alarm',
  'missed_patrol',
  'open_fault',
] as const
export type FactorKey = (typeof FACTOR_KEYS)[number]

/** One reason behind a grade: how many, and the points they add. */
export interface RiskFactor {
  key: FactorKey
  count: number
  points: number
}

/** What the grade is computed from (risk-inputs.ts gathers it). */
export interface RiskInputs {
  /** Each open hazard counts once, by the worst that applies: escalated, overdue, open. */
  hazards: Record<'escalated' | 'overdue_major' | 'overdue_general' | 'open_major' | 'open_general', number>
  /** Share (0..1) of devices reporting and healthy over the last day; null when not known. */
  intactness: number | null
  fires: number
  falseAlarms: number
  /** Fire alarms resolved without saying what they were. */
  unexplained: number
  missedPatrols: number
  openFaults: number
}

export interface GradeResult {
  grade: RiskGrade
  score: number
  intactness: number | null
  factors: RiskFactor[]
}

/**
 * Red at `thresholds.red` points, yellow at `thresholds.yellow`. A building whose facilities are
 * not reporting well enough to be trusted (intactness under `greyBelowIntactness`) is grey: what
 * is known against it (the other factors) may still make it yellow or red, but the silence alone
 * does not, since nothing bad is known when too little is known: the shortfall is then listed
 * with no points. Above that line the shortfall from `intactnessTarget` adds its points like any
 * other factor.
 */
export function gradeOf(inputs: RiskInputs, settings: RiskGradeSettings): GradeResult {
  const w = settings.weights
  const poorlyMonitored = inputs.intactness !== null && inputs.intactness < settings.greyBelowIntactness
  const shortfall =
    inputs.intactness === null
      ? 0
      : Math.max(0, Math.round((settings.intactnessTarget - inputs.intactness) * 100))
  const counts: Record<FactorKey, [number, number]> = {
    escalated: [inputs.hazards.escalated, w.escalated],
    overdue_major: [inputs.hazards.overdue_major, w.overdueMajor],
    overdue_general: [inputs.hazards.overdue_general, w.overdueGeneral],
    open_major: [inputs.hazards.open_major, w.openMajor],
    open_general: [inputs.hazards.open_general, w.openGeneral],
    intactness: [shortfall, poorlyMonitored ? 0 : w.intactnessPoint],
    fire: [inputs.fires, w.fire],
    false_alarm: [inputs.falseAlarms, w.falseAlarm],
    unexplained_alarm: [inputs.unexplained, w.falseAlarm],
    missed_patrol: [inputs.missedPatrols, w.missedPatrol],
    open_fault: [inputs.openFaults, w.openFault],
  }
  const factors = FACTOR_KEYS.map((key) => ({
    key,
    count: counts[key][0],
    points: counts[key][0] * counts[key][1],
  }))
    .filter((f) => f.count > 0)
    .sort((a, b) => b.points - a.points)
  const score = factors.reduce((sum, f) => sum + f.points, 0)
  const band = bandOf(score, settings.thresholds)
  const grade: RiskGrade = band === 'green' && poorlyMonitored ? 'grey' : band
  return { grade, score, intactness: inputs.intactness, factors }
}

function bandOf(points: number, thresholds: RiskGradeSettings['thresholds']): 'green' | 'yellow' | 'red' {
  return points >= thresholds.red ? 'red' : points >= thresholds.yellow ? 'yellow' : 'green'
}
