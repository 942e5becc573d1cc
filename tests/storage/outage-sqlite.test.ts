import { describe } from 'vitest'
import { outageSuite } from './outage.ts'
import { sqliteStore } from './stores-under-test.ts'

// The embedded store's database is write-locked by another connection: every insert fails at once.
describe('Embedded SQLite store outage', () => outageSuite(sqliteStore))
