import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AlertRecord } from '../../alerting/alert-record.ts'
import { AlertStore } from '../../alerting/alert-store.ts'
import { FirewatchError } from '../../ingest/error-codes.ts'
import { T0 } from './fixtures/alert-test-site.ts'

let dir: string
let stores: AlertStore[]

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fw-alert-store-'))
  stores = []
})
afterEach(() => {
  for (const s of stores) s.close()
  rmSync(dir, { recursive: true, force: true })
})

function open(name = 'alerts.db', options?: { synchronous?: 'full' | 'normal' }): AlertStore {
  const store = AlertStore.open(join(dir, name), options)
  stores.push(store)
  return store
}

let serial = 0
function record(fields: Partial<AlertRecord> = {}): AlertRecord {
  serial++
  return {
    id: `01TEST${String(serial).padStart(20, '0')}`,
    building: 'tower-a',
    floor: 12,
    zone: '12-east',
    device: `dev-${serial}`,
    class: 'fire',
    rule: 'smoke.alarm',
    metric: 'smoke_dbm',
    value: 0.31,
    threshold: 0.25,
    state: 'open',
    openedAt: T0 + serial * 1000,
    acknowledgedAt: null,
    resolvedAt: null,
    updatedAt: T0 + serial * 1000,
    message: `alert ${serial}`,
    latched: false,
    repeats: 0,
    detail: null,
    scope: 'device',
    evidence: [],
    tags: [],
    groupedUnder: null,
    incidentId: null,
    ...fields,
  }
}

describe('AlertStore.open', () => {
  it('When a store is opened in a missing directory, then it is created with WAL and synchronous FULL', () => {
    const store = open('nested/deeper/alerts.db')
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2)
    expect(store.db.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0)
    expect(store.active()).toEqual([])
  })

  it('When synchronous normal is asked for, then the connection uses NORMAL', () => {
    expect(open('n.db', { synchronous: 'normal' }).db.pragma('synchronous', { simple: true })).toBe(1)
  })

  it('When the path cannot be created, then a FGW_ERR_ALERT_STORE error with a cause is thrown', () => {
    writeFileSync(join(dir, 'a-file'), 'not a directory')
    const attempt = () => AlertStore.open(join(dir, 'a-file', 'alerts.db'))
    expect(attempt).toThrow(FirewatchError)
    try {
      attempt()
    } catch (err) {
      expect((err as FirewatchError).code).toBe('FGW_ERR_ALERT_STORE')
      expect((err as FirewatchError).cause).toBeInstanceOf(Error)
    }
  })

  it('When a store is reopened, then its rows are still there', () => {
    const first = open()
    first.insert(record({ id: 'A1' }))
    first.close()
    expect(open().get('A1')?.message).toBe(`alert ${serial}`)
  })
})

describe('AlertStore rows', () => {
  it('When a second active alert is inserted for one device and rule, then the unique index refuses it', () => {
    const store = open()
    store.insert(record({ device: 'd', rule: 'r', state: 'resolved' }))
    store.insert(record({ device: 'd', rule: 'r', state: 'open' }))
    expect(() => store.insert(record({ device: 'd', rule: 'r', state: 'acknowledged' }))).toThrow(/UNIQUE/)
    // Another rule of the same device is a different alert.
    store.insert(record({ device: 'd', rule: 'other', state: 'open' }))
    expect(store.findActive('d', 'r')?.state).toBe('open')
  })

  it('When a record is stored, then get returns the contract JSON with ISO times', () => {
    const store = open()
    const r = record({ id: 'X', state: 'acknowledged', acknowledgedAt: T0 + 61_000, repeats: 2 })
    r.openedAt = T0
    store.insert(r)
    expect(store.get('X')).toMatchObject({
      id: 'X',
      state: 'acknowledged',
      openedAt: '2026-11-22T10:00:00.000Z',
      acknowledgedAt: '2026-11-22T10:01:01.000Z',
      resolvedAt: null,
      value: 0.31,
      threshold: 0.25,
      latched: false,
      repeats: 2,
    })
    expect(store.get('nope')).toBeUndefined()
  })

  it('When history is appended, then it comes back in insertion order with ISO times', () => {
    const store = open()
    store.insert(record({ id: 'H' }))
    store.appendHistory('H', { at: T0, action: 'opened', actor: 'system', note: null, value: 0.31 })
    store.appendHistory('H', { at: T0, action: 'acknowledged', actor: 'mgr-a', note: 'seen', value: null })
    expect(store.history('H')).toEqual([
      { at: '2026-11-22T10:00:00.000Z', action: 'opened', actor: 'system', note: null, value: 0.31 },
      { at: '2026-11-22T10:00:00.000Z', action: 'acknowledged', actor: 'mgr-a', note: 'seen', value: null },
    ])
    expect(store.lastHistory('H')?.action).toBe('acknowledged')
    expect(store.history('unknown')).toEqual([])
  })

  it('When history names an alert that does not exist, then the foreign key refuses it', () => {
    const store = open()
    const entry = { at: T0, action: 'note' as const, actor: 'x', note: 'n', value: null }
    expect(() => store.appendHistory('ghost', entry)).toThrow(/FOREIGN KEY/)
  })

  it('When active is asked for, then open and acknowledged alerts come back oldest first', () => {
    const store = open()
    store.insert(record({ id: 'B', openedAt: T0 + 2 }))
    store.insert(record({ id: 'R', openedAt: T0 + 1, state: 'resolved' }))
    store.insert(record({ id: 'A', openedAt: T0 + 3, state: 'acknowledged' }))
    store.insert(record({ id: 'C', openedAt: T0 }))
    expect(store.active().map((a) => a.id)).toEqual(['C', 'B', 'A'])
    expect(store.newestId()).toBe('R')
  })
})

describe('AlertStore.list', () => {
  let store: AlertStore
  const ALL = ['open', 'acknowledged', 'resolved'] as const
  const ACTIVE = ['open', 'acknowledged'] as const

  beforeEach(() => {
    store = open()
    store.insert(record({ id: 'a1', openedAt: T0 + 1, building: 'tower-a', class: 'fire' }))
    store.insert(
      record({ id: 'a2', openedAt: T0 + 2, building: 'tower-a', class: 'warning', state: 'resolved' }),
    )
    store.insert(
      record({ id: 'b1', openedAt: T0 + 3, building: 'tower-b', class: 'fault', state: 'acknowledged' }),
    )
    // Same openedAt as b1: the id breaks the tie, newest (greatest) first.
    store.insert(record({ id: 'b2', openedAt: T0 + 3, building: 'tower-b', class: 'fire' }))
    store.insert(
      record({ id: 'c1', openedAt: T0 + 4, building: 'tower-c', class: 'offline', state: 'resolved' }),
    )
  })

  const ids = (filter: Parameters<AlertStore['list']>[0]) => store.list(filter).map((a) => a.id)

  it('When states are given, then only those states come back, newest first', () => {
    expect(ids({ states: ACTIVE, limit: 50 })).toEqual(['b2', 'b1', 'a1'])
    expect(ids({ states: ['resolved'], limit: 50 })).toEqual(['c1', 'a2'])
    expect(ids({ states: ALL, limit: 50 })).toEqual(['c1', 'b2', 'b1', 'a2', 'a1'])
    expect(ids({ states: [], limit: 50 })).toEqual([])
  })

  it('When building, class or since is given, then each narrows the result', () => {
    expect(ids({ states: ALL, building: 'tower-a', limit: 50 })).toEqual(['a2', 'a1'])
    expect(ids({ states: ALL, class: 'fire', limit: 50 })).toEqual(['b2', 'a1'])
    expect(ids({ states: ALL, since: T0 + 3, limit: 50 })).toEqual(['c1', 'b2', 'b1'])
    expect(ids({ states: ACTIVE, building: 'tower-b', class: 'fault', since: T0, limit: 50 })).toEqual(['b1'])
  })

  it('When a scope set is given, then alerts of other buildings are hidden', () => {
    expect(ids({ states: ALL, buildings: new Set(['tower-b', 'tower-c']), limit: 50 })).toEqual([
      'c1',
      'b2',
      'b1',
    ])
    expect(ids({ states: ALL, buildings: new Set(['tower-a']), building: 'tower-b', limit: 50 })).toEqual([])
    expect(ids({ states: ALL, buildings: new Set(), limit: 50 })).toEqual([])
    expect(ids({ states: ALL, buildings: null, limit: 50 })).toHaveLength(5)
  })

  it('When a limit is given, then only the newest ones come back', () => {
    expect(ids({ states: ALL, limit: 2 })).toEqual(['c1', 'b2'])
    expect(ids({ states: ALL, limit: 0 })).toEqual([])
  })
})

describe('AlertStore durability', () => {
  it('When the writing process is killed with SIGKILL, then every committed alert and its history survive', async () => {
    const file = join(dir, 'killed.db')
    const { ready, committed } = await runWriterAndKill(file, 30)
    const store = open('killed.db')

    const fire = store.get(ready.fire)
    expect(fire).toMatchObject({ state: 'acknowledged', latched: true, class: 'fire' })
    expect(store.history(ready.fire).map((h) => [h.action, h.actor, h.note])).toEqual([
      ['opened', 'system', null],
      ['acknowledged', 'mgr-a', 'on my way'],
    ])
    expect(store.get(ready.pump)).toMatchObject({ state: 'resolved', repeats: 1, value: 0.08 })
    expect(store.history(ready.pump).map((h) => h.action)).toEqual(['opened', 'repeated', 'cleared'])

    expect(committed.length).toBeGreaterThanOrEqual(30)
    for (const line of committed) {
      const history = store.history(line.id)
      expect(store.get(line.id), line.id).toBeDefined()
      expect(history.length, line.id).toBeGreaterThanOrEqual(line.entries)
      expect(history[line.entries - 1]?.action, line.id).toBe(line.action)
      expect(history[line.entries - 1]?.value, line.id).toBe(line.value)
    }
  })
})

interface CommittedLine {
  id: string
  action: string
  entries: number
  value: number
}

/** Starts the writer fixture, waits for `ready` and `minCommits` commits, then SIGKILLs it. */
function runWriterAndKill(
  file: string,
  minCommits: number,
): Promise<{ ready: { fire: string; pump: string }; committed: CommittedLine[] }> {
  const fixture = join(import.meta.dirname, 'fixtures', 'alert-writer.ts')
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, file], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let ready: { fire: string; pump: string } | undefined
  const committed: CommittedLine[] = []
  let buffer = ''
  let stderr = ''
  child.stderr.on('data', (chunk) => {
    stderr += chunk
  })
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      buffer += chunk
      const lines = buffer.split('\n')
      buffer = lines.pop() ?? ''
      for (const line of lines) {
        const [word, ...rest] = line.split(' ')
        if (word === 'ready') ready = JSON.parse(rest.join(' '))
        if (word === 'committed') {
          const [id, action, entries, value] = rest
          committed.push({ id: id!, action: action!, entries: Number(entries), value: Number(value) })
        }
      }
      if (ready && committed.length >= minCommits && child.exitCode === null) child.kill('SIGKILL')
    })
    child.on('exit', (code, sig) => {
      if (sig === 'SIGKILL' && ready) resolve({ ready, committed })
      else reject(new Error(`writer exited (${code ?? sig}) before it was killed: ${stderr}`))
    })
  })
}
