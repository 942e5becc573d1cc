import { describe } from 'vitest'
import { roundTripSuite } from './round-trip.ts'
import { influxStore } from './stores-under-test.ts'

describe('Readings round trip through InfluxDB', () => roundTripSuite(influxStore))
