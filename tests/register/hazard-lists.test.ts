import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient } from '../support/api-client.ts'
import { type GatewayUnderTest, startTestGateway } from '../support/gateway-launcher.ts'
import { registerSiteFile, TOKENS } from './register-site.ts'

// CSV import of a hazard list (row by row, bad rows answered with line and field) and the two
// lists (问题隐患清单, 整改责任清单) as a printable page, CSV and XLSX, in both languages, over HTTP.

let g: GatewayUnderTest
let dir: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fw-lists-'))
  g = await startTestGateway({ FIREWATCH_SITE: registerSiteFile(dir) })
})
afterAll(async () => {
  await g?.stop()
  rmSync(dir, { recursive: true, force: true })
})

async function importCsv(token: string, body: Buffer | string) {
  const res = await fetch(`${g.httpUrl}/api/v1/hazards/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  })
  return { status: res.status, body: (await res.json()) as any }
}

const CHINESE_LIST = [
  '建筑,楼层,类别,等级,隐患描述,责任人,盯守人,整改期限,整改措施',
  'tower-a,负一层,电气线路,重大,"配电房电缆桥架未封堵,有老鼠",李伟,保安王师傅,2026-12-25,封堵桥架',
  'tower-a,99层,电气线路,一般,线路老化,李伟,保安王师傅,2026-12-25,',
  'tower-a,5,消防车通道,一般,,李伟,,2026-12-25,',
  // A quoted cell over two lines: the row is still line 5.
  'tower-a,5,消防车通道,严重,"消防车道被\n私家车占用",,,2026-13-01,',
  'tower-b,3,其他,一般,走廊堆放纸箱,陈杰,保安,2026-12-20,清理',
  'tower-a,12F,疏散通道和安全出口,一般,12层安全出口上锁,李伟,保安王师傅,2026-12-20T18:00,',
].join('\r\n')

describe('CSV import', () => {
  it('When a list with Chinese headings and words comes with a BOM, then good rows are kept and each bad one is answered with its line and field', async () => {
    const res = await importCsv(TOKENS.mgrA, `\uFEFF${CHINESE_LIST}\r\n`)
    expect(res.status).toBe(200)
    expect(res.body.accepted.map((a: { line: number }) => a.line)).toEqual([2, 8])
    expect(res.body.rejected).toEqual([
      {
        line: 3,
        issues: [{ field: 'floor', message: 'floor 99 is not in tower-a (floors 1..32, basements 2)' }],
      },
      { line: 4, issues: [{ field: 'description', message: expect.any(String) }] },
      {
        line: 5,
        issues: expect.arrayContaining([
          { field: 'severity', message: expect.any(String) },
          { field: 'deadline', message: 'not a calendar date' },
        ]),
      },
      // The manager of Tower A may not import into Tower B: refused as an unknown building.
      { line: 7, issues: [{ field: 'building', message: 'unknown building tower-b' }] },
    ])
    const first = (await apiClient(g.httpUrl, TOKENS.mgrA).get(`/api/v1/hazards/${res.body.accepted[0].id}`))
      .body
    expect(first).toMatchObject({
      source: 'import',
      state: 'assigned',
      severity: 'major',
      category: 'electrical_wiring',
      location: { floor: -1 },
      description: '配电房电缆桥架未封堵,有老鼠',
      responsible: { name: '李伟', contact: null },
      deadline: '2026-12-25',
    })
    const second = (await apiClient(g.httpUrl, TOKENS.mgrA).get(`/api/v1/hazards/${res.body.accepted[1].id}`))
      .body
    // 18:00 in Shanghai on 20 December.
    expect([second.location.floor, second.deadlineAt]).toEqual([12, '2026-12-20T10:00:00.000Z'])
  })

  it('When Excel wrote the list in GB18030 (its Chinese default), then it reads the same', async () => {
    const text = '建筑,类别,隐患描述\r\ntower-a,其他,地下车库堆放易燃物\r\n'
    const bytes = execFileSync(
      'python3',
      ['-c', 'import sys; sys.stdout.buffer.write(sys.stdin.read().encode("gb18030"))'],
      {
        input: text,
      },
    )
    expect(bytes.equals(Buffer.from(text))).toBe(false)
    const res = await importCsv(TOKENS.admin, bytes)
    expect(res.body.rejected).toEqual([])
    const h = (await apiClient(g.httpUrl, TOKENS.admin).get(`/api/v1/hazards/${res.body.accepted[0].id}`))
      .body
    expect(h.description).toBe('地下车库堆放易燃物')
  })

  it('When the file has no usable header or an open quote, then 400 with the issue', async () => {
    const missing = await importCsv(TOKENS.admin, 'name,colour\r\nx,y\r\n')
    expect([missing.status, missing.body.issues[0].message]).toEqual([
      400,
      'line 1: missing columns building, category, description',
    ])
    const open = await importCsv(
      TOKENS.admin,
      'building,category,description\r\ntower-a,other,"never closed\r\n',
    )
    expect(open.status).toBe(400)
  })
})

describe('the two lists', () => {
  beforeAll(async () => {
    const api = apiClient(g.httpUrl, TOKENS.admin)
    const { id } = (
      await api.post('/api/v1/hazards', {
        building: 'tower-b',
        floor: 3,
        category: 'combustible_storage',
        severity: 'major',
        description: '=HYPERLINK("http://evil") cartons & <paper> in the corridor',
        responsible: 'Chen Jie',
        watcher: 'Guard Zhao',
        deadline: '2026-12-28',
        plan: 'clear and forbid storage',
        interim: 'patrol every 2 h',
      })
    ).body
    await api.post(`/api/v1/hazards/${id}/escalate`, {})
  })

  it('When the printable page is asked for, then both lists are there in the language asked, escaped, with the supervision named', async () => {
    const zh = await apiClient(g.httpUrl, TOKENS.brigade).text('/api/v1/hazards/lists.html?building=tower-b')
    expect(zh).toContain('<h2>问题隐患清单</h2>')
    expect(zh).toContain('<h2>整改责任清单</h2>')
    expect(zh).toContain('浦东新区消防救援支队市级挂牌督办')
    expect(zh).toContain('cartons &#38; &#60;paper&#62;')
    expect(zh).toContain('<th>专人盯守</th>')
    const en = await apiClient(g.httpUrl, TOKENS.brigade).text(
      '/api/v1/hazards/lists.html?building=tower-b&lang=en',
    )
    expect(en).toContain('<h2>Rectification responsibility list</h2>')
    expect(en).toContain('<td>Guard Zhao</td><td>2026-12-28</td>')
    expect(en).toContain('Supervised (city) by')
  })

  it('When CSV is asked for, then each list is UTF-8 with a BOM, and a cell that would be a formula is defused', async () => {
    const res = await fetch(`${g.httpUrl}/api/v1/hazards/lists/hazards.csv?building=tower-b`, {
      headers: { authorization: `Bearer ${TOKENS.brigade}` },
    })
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="hazards-\d{4}-\d{2}-\d{2}\.csv"$/,
    )
    const text = Buffer.from(await res.arrayBuffer()).toString('utf8')
    expect(text.startsWith('\uFEFF序号,编号,建筑,位置,类别,等级,隐患描述')).toBe(true)
    expect(text).toContain(`"'=HYPERLINK(""http://evil"") cartons & <paper> in the corridor"`)
  })

  it('When XLSX is asked for, then it is a valid workbook with the two lists as sheets (read back by Python zipfile and XML)', async () => {
    const res = await fetch(`${g.httpUrl}/api/v1/hazards/lists.xlsx?lang=en`, {
      headers: { authorization: `Bearer ${TOKENS.admin}` },
    })
    expect(res.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    )
    const file = join(dir, 'lists.xlsx')
    writeFileSync(file, Buffer.from(await res.arrayBuffer()))
    const read = execFileSync('python3', ['-c', READ_XLSX, file], { encoding: 'utf8' })
    const workbook = JSON.parse(read) as { test: null; sheets: string[]; rows: string[][][] }
    expect(workbook.test).toBeNull()
    expect(workbook.sheets).toEqual(['Hazard list', 'Responsibility list'])
    expect(workbook.rows[0]![1]).toEqual([
      'No.',
      'Code',
      'Building',
      'Location',
      'Category',
      'Severity',
      'Description',
      'Found by',
      'Found on',
      'State',
      'Supervision',
    ])
    const flat = JSON.stringify(workbook.rows)
    expect(flat).toContain('=HYPERLINK(\\"http://evil\\") cartons & <paper> in the corridor')
    expect(flat).toContain('地下车库堆放易燃物')
  })
})

/** Python's own ZIP and XML readers: CRCs checked, every part parsed, cell texts in order. */
const READ_XLSX = `
import json, sys, zipfile, xml.etree.ElementTree as ET
ns = {'m': 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'}
z = zipfile.ZipFile(sys.argv[1])
test = z.testzip()
for name in z.namelist():
    if name.endswith('.xml') or name.endswith('.rels'):
        ET.fromstring(z.read(name))
wb = ET.fromstring(z.read('xl/workbook.xml'))
sheets = [s.get('name') for s in wb.find('m:sheets', ns)]
rows = []
for i in range(len(sheets)):
    sheet = ET.fromstring(z.read('xl/worksheets/sheet%d.xml' % (i + 1)))
    rows.append([[''.join(c.itertext()) for c in r] for r in sheet.find('m:sheetData', ns)])
print(json.dumps({'test': test, 'sheets': sheets, 'rows': rows}))
`
