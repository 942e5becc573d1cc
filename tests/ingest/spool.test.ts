import { appendFileSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import pino from 'pino'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Spool, type SpoolOptions } from '../../ingest/store/spool.ts'
import { silent, tempDir } from '../storage/store-fixtures.ts'

let dir: string
let spools: Spool[]
beforeEach(() => {
  dir = tempDir('spool')
  spools = []
})
afterEach(() => {
  for (const s of spools) s.close()
  rmSync(dir, { recursive: true, force: true })
})

const open = (opts: Partial<SpoolOptions> = {}) => {
  const spool = Spool.open({ dir, maxBytes: 1024 * 1024, fsync: 'never', log: silent, ...opts })
  spools.push(spool)
  return spool
}
const records = (from: number, n: number) => Array.from({ length: n }, (_, i) => `record-${from + i}`)
const segments = () => readdirSync(dir).filter((f) => f.endsWith('.lp'))

/** Reads and commits everything, `batch` records at a time. */
function drain(spool: Spool, batch: number): string[] {
  const out: string[] = []
  for (let chunk = spool.read(batch); chunk; chunk = spool.read(batch)) {
    expect(chunk.records.length).toBeLessThanOrEqual(batch)
    out.push(...chunk.records)
    spool.commit(chunk)
  }
  return out
}

describe('Spool', () => {
  it('When records are appended across segments, then they are read back in order and the files go', () => {
    const spool = open({ segmentBytes: 100 })
    for (let i = 0; i < 50; i += 10) expect(spool.append(records(i, 10))).toBe(0)
    expect(segments().length).toBeGreaterThan(3)
    expect(spool.bytes).toBe(50 * 'record-00\n'.length - 10)
    expect(drain(spool, 7)).toEqual(records(0, 50))
    expect(spool.isEmpty).toBe(true)
    expect(spool.bytes).toBe(0)
    expect(segments()).toEqual([])
    spool.append(['after'])
    expect(drain(spool, 7)).toEqual(['after'])
  })

  it('When a chunk is read but not committed, then the same records are read again', () => {
    const spool = open()
    spool.append(records(0, 5))
    const first = spool.read(3)!
    expect(spool.read(3)).toEqual(first)
    spool.commit(first)
    expect(spool.read(3)!.records).toEqual(['record-3', 'record-4'])
  })

  it('When the spool is opened again, then committed records stay gone and the rest comes back', () => {
    const before = open({ segmentBytes: 64 })
    before.append(records(0, 20))
    before.commit(before.read(12)!)
    before.close()
    const after = open({ segmentBytes: 64 })
    after.append(['new'])
    expect(drain(after, 100)).toEqual([...records(12, 8), 'new'])
  })

  it('When the last write was torn by a crash, then the partial record is cut on opening', () => {
    const before = open()
    before.append(['whole-1', 'whole-2'])
    before.close()
    const [file] = segments()
    appendFileSync(join(dir, file!), 'half-writ')
    expect(drain(open(), 10)).toEqual(['whole-1', 'whole-2'])
  })

  it('When the bound is reached, then what does not fit is refused and counted, and it is said loudly', () => {
    const logs: string[] = []
    const log = pino({ level: 'info' }, { write: (line: string) => void logs.push(line) })
    const spool = open({ maxBytes: 100, log })
    expect(spool.append(records(0, 8))).toBe(0) // 72 bytes
    expect(logs.join('')).not.toContain('over 80%')
    expect(spool.append(records(8, 1))).toBe(0) // 81 bytes
    expect(logs.join('')).toContain('over 80%')
    expect(spool.append(records(9, 4))).toBe(2) // record-9 and record-10 fit (100 bytes), 2 are refused
    expect(logs.join('')).toContain('readings spool full')
    expect(drain(spool, 100)).toEqual(records(0, 11))
    expect(spool.append(records(0, 1))).toBe(0)
  })

  it('When fsync is `always`, then appends still read back (each is synced before append returns)', () => {
    const spool = open({ fsync: 'always' })
    spool.append(records(0, 3))
    expect(drain(spool, 2)).toEqual(records(0, 3))
  })
})
