import { wallDate } from '../alerting/schedules/zone-clock.ts'
import type { SiteModel } from '../ingest/site/site-model.ts'
import { toWall } from '../ingest/wall-clock.ts'
import type { HazardRow } from './hazard.ts'
import { type ReportTexts, reportTexts } from './report-texts.ts'

/** One printable table: a title, its column headings and rows of plain values. */
export interface Table {
  title: string
  /** A workbook's sheet name: at most 31 characters. */
  sheet?: string
  columns: string[]
  rows: (string | number | null)[][]
}

/** The two lists of a register (问题隐患清单 and 整改责任清单), in one language. */
export interface TwoLists {
  title: string
  locale: 'en' | 'zh-CN'
  /** Site-local time the lists were made, written as people read it. */
  generated: string
  hazards: Table
  responsibility: Table
}

/**
 * The register as municipal plans ask for it: the hazard list (what, where, how serious, found
 * when and how, where it stands) and the responsibility list (who answers for it, who watches it,
 * by when, how it is rectified and what protects meanwhile). Dates are site-local dates.
 */
export function twoLists(
  site: SiteModel,
  rows: readonly HazardRow[],
  locale: 'en' | 'zh-CN',
  now: number,
): TwoLists {
  const t = reportTexts(locale)
  const date = (ms: number | null) => (ms === null ? null : wallDate(toWall(ms, site.timezone)))
  const building = (id: string) => site.building(id)?.name ?? id
  const category = (id: string) => site.file.register.categories.find((c) => c.id === id)?.[locale] ?? id
  const sorted = [...rows].sort((a, b) => a.id - b.id)
  return {
    title: t.listsTitle,
    locale,
    generated: `${wallDate(toWall(now, site.timezone))} ${site.timezone}`,
    hazards: {
      title: t.hazardList,
      sheet: t.hazardSheet,
      columns: [
        t.no,
        t.code,
        t.building,
        t.location,
        t.category,
        t.severity,
        t.description,
        t.source,
        t.reported,
        t.state,
        t.supervision,
      ],
      rows: sorted.map((r, i) => [
        i + 1,
        r.code,
        building(r.building),
        locationOf(r, locale),
        category(r.category),
        t.severities[r.severity],
        r.description,
        t.sources[r.source],
        date(r.reported_at),
        t.states[r.state],
        supervisionOf(r, t),
      ]),
    },
    responsibility: {
      title: t.responsibilityList,
      sheet: t.responsibilitySheet,
      columns: [
        t.no,
        t.code,
        t.building,
        t.description,
        t.responsible,
        t.watcher,
        t.deadline,
        t.plan,
        t.interim,
        t.state,
        t.closed,
      ],
      rows: sorted.map((r, i) => [
        i + 1,
        r.code,
        building(r.building),
        r.description,
        r.responsible,
        r.watcher,
        r.deadline?.replace('T', ' ') ?? null,
        r.plan,
        r.interim,
        t.states[r.state],
        date(r.closed_at),
      ]),
    },
  }
}

function locationOf(r: HazardRow, locale: 'en' | 'zh-CN'): string {
  const floor =
    r.floor === null
      ? null
      : locale === 'zh-CN'
        ? r.floor < 0
          ? `负${-r.floor}层`
          : `${r.floor}层`
        : r.floor < 0
          ? `B${-r.floor}`
          : `${r.floor}F`
  return [floor, r.zone, r.place].filter(Boolean).join(' ')
}

function supervisionOf(r: HazardRow, t: ReportTexts): string | null {
  if (r.state === 'closed') return null
  if (r.escalated_at !== null)
    return t.escalated(
      r.escalation_level ? t.levels[r.escalation_level] : '',
      r.supervisor || t.defaultSupervisor,
    )
  return r.overdue_at !== null ? t.overdue : null
}
