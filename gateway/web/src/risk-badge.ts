import { reportTexts } from '../../../register/report-texts.ts'
import type { BuildingRisk } from '../../live/live-views.ts'
import { h } from './dom.ts'
import { currentLocale, t } from './i18n.ts'

/** The word of a risk grade in the wall's language (绿 灰 黄 红 / Green Grey Yellow Red). */
export function gradeWord(grade: BuildingRisk['grade']): string {
  return reportTexts(currentLocale()).grades[grade]
}

/**
 * The risk grade (风险等级) of a building as a badge: an outlined label, never a fill, so that it
 * is not read as the tile's live status colour (a green building may carry a red grade).
 */
export function riskBadge(risk: BuildingRisk | null | undefined): HTMLElement | null {
  if (risk === undefined) return null
  if (risk === null) return h('span', { class: 'risk-badge risk-none', 'data-risk': 'none' }, t('risk.none'))
  return h(
    'span',
    {
      class: `risk-badge risk-${risk.grade}`,
      'data-risk': risk.grade,
      title: t('risk.score', { n: risk.score }),
    },
    t('risk.badge', { grade: gradeWord(risk.grade) }),
  )
}
