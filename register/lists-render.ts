import { csvField } from './csv.ts'
import { esc, reportTexts } from './report-texts.ts'
import type { Table, TwoLists } from './two-lists.ts'

// The two lists as a printable page (A4 landscape, one list per page, no script), as CSV (one
// list per file, UTF-8 with a BOM so that Excel reads the Chinese) and as the tables of a workbook.

const PRINT_STYLE =
  '@page{size:A4 landscape;margin:12mm}' +
  'body{font-family:"Noto Sans CJK SC","Noto Sans SC","Microsoft YaHei",system-ui,sans-serif;font-size:10pt;margin:0 auto;max-width:277mm}' +
  'h1{font-size:15pt;margin:0 0 2mm}h2{font-size:13pt;margin:6mm 0 2mm}p{margin:0 0 2mm}' +
  'table{border-collapse:collapse;width:100%}th,td{border:1px solid #666;padding:1mm 1.5mm;text-align:left;vertical-align:top}' +
  'th{background:#e8e8e8}td.n{text-align:right}section+section{break-before:page}'

export function listsHtml(lists: TwoLists, siteName: string): string {
  const t = reportTexts(lists.locale)
  return (
    `<!doctype html><html lang="${lists.locale}"><head><meta charset="utf-8"><title>${esc(lists.title)} - ${esc(siteName)}</title>` +
    `<style>${PRINT_STYLE}</style></head><body>` +
    `<h1>${esc(lists.title)}</h1><p>${esc(siteName)} · ${esc(t.generated)}: ${esc(lists.generated)}</p>` +
    `<section>${tableHtml(lists.hazards, t.none)}</section><section>${tableHtml(lists.responsibility, t.none)}</section>` +
    '</body></html>'
  )
}

export function tableHtml(table: Table, none: string, level = 'h2'): string {
  const head = table.columns.map((c) => `<th>${esc(c)}</th>`).join('')
  const body =
    table.rows.length === 0
      ? `<tr><td colspan="${table.columns.length}">${esc(none)}</td></tr>`
      : table.rows
          .map(
            (r) =>
              `<tr>${r.map((v) => `<td${typeof v === 'number' ? ' class="n"' : ''}>${esc(v)}</td>`).join('')}</tr>`,
          )
          .join('')
  return `<${level}>${esc(table.title)}</${level}><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`
}

/** One list as CSV: a BOM, the headings, the rows (CRLF, as spreadsheets write it). */
export function tableCsv(table: Table): string {
  const lines = [table.columns, ...table.rows].map((r) => r.map(csvField).join(','))
  return `\uFEFF${lines.join('\r\n')}\r\n`
}
