import { describe } from 'vitest'
import { outageSuite } from './outage.ts'
import { influxStore } from './stores-under-test.ts'

// The InfluxDB process is stopped (SIGSTOP; docker pause for a container): writes hang until they time out.
describe('InfluxDB outage', () => outageSuite(influxStore))
