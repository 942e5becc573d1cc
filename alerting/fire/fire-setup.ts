import type { SiteModel } from '../../ingest/index.ts'
import { createIdGenerator } from '../alert-id.ts'
import type { AlertLifecycle } from '../alert-lifecycle.ts'
import type { AlertStore } from '../alert-store.ts'
import type { Clock, Logger } from '../deps.ts'
import { WindowKeeper } from '../windows/window-keeper.ts'
import { WindowStore } from '../windows/window-store.ts'
import { createFireAware, type FireAware } from './fire-aware.ts'

export interface FireRulesDeps {
  site: SiteModel
  /** Windows live in the alert store's SQLite file (they must survive a restart with the alerts). */
  store: AlertStore
  lifecycle: AlertLifecycle
  clock: Clock
  log: Logger
  rearmDevice: (device: string, rule: string) => void
}

export interface FireRules {
  fire: FireAware
  windows: WindowKeeper
}

/** The fire-aware layer and its windows, as the gateway and the virtual-time runner use them. */
export function createFireRules(deps: FireRulesDeps): FireRules {
  const windowStore = new WindowStore(deps.store.db)
  const windows = new WindowKeeper(windowStore, deps.site, createIdGenerator(), deps.clock.now())
  const fire = createFireAware({
    site: deps.site,
    lifecycle: deps.lifecycle,
    windows,
    rearmDevice: deps.rearmDevice,
    log: deps.log,
  })
  return { fire, windows }
}
