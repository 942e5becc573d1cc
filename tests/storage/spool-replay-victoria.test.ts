import { describe } from 'vitest'
import { storeDownSuite } from './shutdown-scenarios.ts'
import { victoriaStore } from './stores-under-test.ts'

// The v2 write path's spool: readings taken while VictoriaMetrics is stopped outlive the gateway
// (SIGTERM or kill -9) and are replayed by the next one on the same DATA_DIR.
describe('Shutdown with VictoriaMetrics stopped (v2 write path)', () => storeDownSuite(victoriaStore))
