// CSV as spreadsheets write it (RFC 4180): fields separated by commas, quoted with double quotes
// when they hold a comma, a quote or a line break, a quote doubled inside quotes. Lists kept by
// Chinese offices come from Excel, which writes UTF-8 with a BOM, or GB18030 (GBK) by default.

/** One record with the line of the file it starts on (1-based). */
export interface CsvRecord {
  line: number
  fields: string[]
}

/** Text of a CSV file: UTF-8 (BOM dropped), else GB18030, the encoding of Excel's Chinese CSV. */
export function decodeCsv(bytes: Uint8Array): string {
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    text = new TextDecoder('gb18030').decode(bytes)
  }
  return text.startsWith('\uFEFF') ? text.slice(1) : text
}

/** Records of a CSV text; blank lines are skipped. Returns null at an unterminated quote. */
export function parseCsv(text: string): CsvRecord[] | null {
  const records: CsvRecord[] = []
  let fields: string[] = []
  let field = ''
  let quoted = false
  let line = 1
  let start = 1
  const endRecord = () => {
    fields.push(field)
    if (fields.length > 1 || fields[0] !== '') records.push({ line: start, fields })
    fields = []
    field = ''
  }
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') quoted = false
      else {
        if (c === '\n') line++
        field += c
      }
    } else if (c === '"' && field === '') quoted = true
    else if (c === ',') {
      fields.push(field)
      field = ''
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      endRecord()
      line++
      start = line
    } else field += c
  }
  if (quoted) return null
  if (field !== '' || fields.length > 0) endRecord()
  return records
}

/** A field for a CSV file: quoted when it must be, and a leading = + - @ defused for spreadsheets. */
export function csvField(value: string | number | null): string {
  if (value === null) return ''
  let text = String(value)
  // A cell starting with these is a formula in Excel (CSV injection): prefix it so it reads as text.
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}
