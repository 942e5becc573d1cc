import type { Table } from './two-lists.ts'
import { zip } from './zip-writer.ts'

// A workbook of plain tables as Office Open XML (ECMA-376, SpreadsheetML): one sheet per table,
// the title in the first row, bold headings, inline strings (no shared-string table), numbers as
// numbers. What Excel, WPS and LibreOffice open without a word; written here so that the gateway
// needs no spreadsheet dependency.

const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
const PKG = 'http://schemas.openxmlformats.org/package/2006/relationships'

export function xlsx(sheets: readonly Table[]): Buffer {
  const files = [
    { name: '[Content_Types].xml', xml: contentTypes(sheets.length) },
    {
      name: '_rels/.rels',
      xml: `<Relationships xmlns="${PKG}"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    },
    { name: 'xl/workbook.xml', xml: workbook(sheets) },
    { name: 'xl/_rels/workbook.xml.rels', xml: workbookRels(sheets.length) },
    { name: 'xl/styles.xml', xml: STYLES },
    ...sheets.map((s, i) => ({ name: `xl/worksheets/sheet${i + 1}.xml`, xml: sheet(s) })),
  ]
  return zip(files.map((f) => ({ name: f.name, data: Buffer.from(XML + f.xml, 'utf8') })))
}

function contentTypes(n: number): string {
  const sheets = Array.from(
    { length: n },
    (_, i) =>
      `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`,
  ).join('')
  return (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
    `${sheets}</Types>`
  )
}

function workbook(sheets: readonly Table[]): string {
  const list = sheets
    .map(
      (s, i) =>
        `<sheet name="${attr(sheetName(s.sheet ?? s.title))}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`,
    )
    .join('')
  return `<workbook xmlns="${NS}" xmlns:r="${REL}"><sheets>${list}</sheets></workbook>`
}

function workbookRels(n: number): string {
  const rels = Array.from(
    { length: n },
    (_, i) =>
      `<Relationship Id="rId${i + 1}" Type="${REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`,
  ).join('')
  return `<Relationships xmlns="${PKG}">${rels}<Relationship Id="rId${n + 1}" Type="${REL}/styles" Target="styles.xml"/></Relationships>`
}

/** Style 0: normal; 1: bold (title and headings); 2: wrapped text. */
const STYLES =
  `<styleSheet xmlns="${NS}"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>` +
  '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>' +
  '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
  '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
  '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
  '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
  '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>' +
  '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment wrapText="1" vertical="top"/></xf>' +
  '</cellXfs></styleSheet>'

function sheet(t: Table): string {
  const rows = [row(1, [t.title], 1), row(2, t.columns, 1), ...t.rows.map((r, i) => row(i + 3, r, 2))]
  const widths = t.columns
    .map((_, i) => `<col min="${i + 1}" max="${i + 1}" width="${i === 0 ? 6 : 18}" customWidth="1"/>`)
    .join('')
  return `<worksheet xmlns="${NS}"><cols>${widths}</cols><sheetData>${rows.join('')}</sheetData></worksheet>`
}

function row(n: number, values: readonly (string | number | null)[], style: number): string {
  const cells = values.map((v, i) => {
    const ref = `${column(i)}${n}`
    if (v === null || v === '') return ''
    if (typeof v === 'number') return `<c r="${ref}" s="${style}"><v>${v}</v></c>`
    return `<c r="${ref}" s="${style}" t="inlineStr"><is><t xml:space="preserve">${text(v)}</t></is></c>`
  })
  return `<row r="${n}">${cells.join('')}</row>`
}

/** A, B, ... Z, AA, AB, ... */
function column(i: number): string {
  let name = ''
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26))
    name = String.fromCharCode(65 + ((n - 1) % 26)) + name
  return name
}

/** Sheet names: at most 31 characters, none of []:*?/\ . */
function sheetName(title: string): string {
  return title.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31)
}

function text(v: string): string {
  // XML 1.0 allows no control characters but tab, line feed and carriage return.
  const allowed = (c: string) => c >= ' ' || c === '\t' || c === '\n' || c === '\r'
  return [...v]
    .filter(allowed)
    .join('')
    .replace(/[&<>]/g, (c) => `&#${c.charCodeAt(0)};`)
}

function attr(v: string): string {
  return text(v).replace(/"/g, '&quot;')
}
