import { describe } from 'vitest'
import { roundTripSuite } from './round-trip.ts'
import { victoriaStore } from './stores-under-test.ts'

// The InfluxDB v2 write path (/api/v2/write, org, bucket, token) against a real server that takes it.
describe('Readings round trip through the v2 write path into VictoriaMetrics', () =>
  roundTripSuite(victoriaStore))
