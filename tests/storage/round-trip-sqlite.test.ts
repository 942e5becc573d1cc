import { describe } from 'vitest'
import { roundTripSuite } from './round-trip.ts'
import { sqliteStore } from './stores-under-test.ts'

describe('Readings round trip through the embedded SQLite store', () => roundTripSuite(sqliteStore))
