import type { z } from 'zod'
import type { SiteModel } from '../ingest/site/site-model.ts'
import { parseCsv } from './csv.ts'
import type { Actor } from './hazard.ts'
import type { HazardDesk } from './hazard-desk.ts'
import { type HazardInput, hazardInputFor } from './hazard-input.ts'

/** A row refused, with the line of the file and the fields at fault. */
export interface RejectedRow {
  line: number
  issues: { field: string; message: string }[]
}

export interface ImportResult {
  accepted: { line: number; id: number; code: string }[]
  rejected: RejectedRow[]
}

/** At most this many rows per file: a register imported in parts is still one register. */
export const MAX_IMPORT_ROWS = 2000

/** Column names a list may use, in English or as Chinese offices head them. */
const COLUMNS: Record<string, string[]> = {
  building: ['building', '建筑', '单位'],
  floor: ['floor', '楼层'],
  zone: ['zone', '区域', '防火分区'],
  place: ['place', 'location', '部位', '具体位置'],
  category: ['category', '类别', '隐患类别'],
  severity: ['severity', '等级', '隐患等级'],
  description: ['description', '隐患描述', '问题描述', '隐患内容'],
  responsible: ['responsible', '责任人'],
  responsibleContact: ['responsible_contact', '责任人联系人'],
  watcher: ['watcher', '盯守人', '专人盯守'],
  watcherContact: ['watcher_contact', '盯守人联系人'],
  deadline: ['deadline', '整改期限', '整改时限'],
  plan: ['plan', '整改措施', '整改方案'],
  interim: ['interim', '临时措施'],
  devices: ['devices', '关联设备'],
  source: ['source', '来源'],
}
const REQUIRED = ['building', 'category', 'description']

/**
 * A CSV list of hazards, checked row by row with the same schema as the API: every good row is
 * reported (source `import`), every bad one answered with its line and fields. Categories and
 * severities may be written as ids or as their words (重大, 电气线路). A manager's rows of another
 * building are refused as unknown buildings, which says nothing about them.
 */
export function importHazards(
  site: SiteModel,
  ruleIds: ReadonlySet<string>,
  desk: HazardDesk,
  actor: Actor,
  text: string,
  now: number,
): ImportResult | { header: string } {
  const records = parseCsv(text)
  if (records === null) return { header: 'a quoted field is not closed' }
  const [head, ...rows] = records
  if (!head) return { header: 'the file is empty' }
  const columns = head.fields.map(columnOf)
  const missing = REQUIRED.filter((c) => !columns.includes(c))
  if (missing.length > 0) return { header: `line ${head.line}: missing columns ${missing.join(', ')}` }
  if (rows.length > MAX_IMPORT_ROWS) return { header: `more than ${MAX_IMPORT_ROWS} rows` }
  const schema = hazardInputFor(site, ruleIds)
  const result: ImportResult = { accepted: [], rejected: [] }
  for (const row of rows) {
    const value = rowObject(site, columns, row.fields)
    const parsed = schema.safeParse(value)
    if (!parsed.success) {
      result.rejected.push({ line: row.line, issues: issuesOf(parsed.error) })
    } else if (actor.buildings !== null && !actor.buildings.has(parsed.data.building)) {
      result.rejected.push({
        line: row.line,
        issues: [{ field: 'building', message: `unknown building ${parsed.data.building}` }],
      })
    } else {
      const created = desk.report(parsed.data as HazardInput, actor.name, now, 'import')
      result.accepted.push({ line: row.line, id: created.id, code: created.code })
    }
  }
  return result
}

function columnOf(name: string): string {
  const key = name.trim().toLowerCase()
  return Object.entries(COLUMNS).find(([, names]) => names.includes(key))?.[0] ?? `?${name}`
}

/** The row as the API body would carry it; empty cells are absent, words become ids. */
function rowObject(site: SiteModel, columns: string[], fields: string[]): Record<string, unknown> {
  const value: Record<string, unknown> = {}
  columns.forEach((column, i) => {
    const cell = fields[i]?.trim() ?? ''
    if (cell === '' || column.startsWith('?')) return
    if (column === 'floor') value.floor = floorOf(cell)
    else if (column === 'devices') value.devices = cell.split(/[;；\s]+/).filter(Boolean)
    else if (column === 'severity') value.severity = severityOf(cell)
    else if (column === 'category') value.category = categoryOf(site, cell)
    else value[column] = cell
  })
  return value
}

/** `12`, `-1`, `B1`, `12F`, `12层`, `负一层` are floors; anything else stays text for the schema to refuse. */
function floorOf(cell: string): number | string {
  const basement = /^(?:B|负)(\d+|[一二三四五六七八九十])层?$/i.exec(cell)
  const digits = '一二三四五六七八九十'
  if (basement) return -(Number(basement[1]) || digits.indexOf(basement[1]!) + 1)
  const above = /^(-?\d+)\s*(?:F|层)?$/i.exec(cell)
  return above ? Number(above[1]) : cell
}

function severityOf(cell: string): string {
  if (cell === '一般' || cell === '一般隐患') return 'general'
  if (cell === '重大' || cell === '重大隐患') return 'major'
  return cell.toLowerCase()
}

function categoryOf(site: SiteModel, cell: string): string {
  const found = site.file.register.categories.find(
    (c) => c.id === cell || c['zh-CN'] === cell || c.en === cell,
  )
  return found?.id ?? cell
}

function issuesOf(error: z.ZodError): { field: string; message: string }[] {
  return error.issues.map((i) => ({ field: i.path.join('.') || '(row)', message: i.message }))
}
