import { describe } from 'vitest'
import { outageSuite } from './outage.ts'
import { victoriaStore } from './stores-under-test.ts'

// The VictoriaMetrics process is stopped mid-stream (connections refused) and started again after
// 30 s on the same port and storage dir: the v2 write path spools and replays.
describe('VictoriaMetrics outage (v2 write path)', () => outageSuite(victoriaStore))
