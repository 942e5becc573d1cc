import type { SiteModel } from '../../ingest/index.ts'
import type { AlertRecord } from '../alert-record.ts'

/**
 * How long the first page of a device's offline incident waits. A floor losing power drops its
 * devices one by one as the broker notices each connection gone (up to 1.5 keep-alives apart), so
 * their offline alerts open seconds apart; storm control groups them under one floor.offline alert
 * once enough of the floor is dark (fire.floorOffline: within `windowSec`). Held for that window,
 * a device's page is cancelled when its alert moves into the floor's incident, and the floor is
 * paged once instead of once per device. Only where a floor alert can form; an offline device has
 * already waited `offlineGraceSec`, and offline is never fire.
 */
export function offlineHoldMs(
  site: SiteModel,
  lead: Pick<AlertRecord, 'rule' | 'scope' | 'building' | 'floor'>,
): number {
  if (lead.rule !== 'device.offline' || lead.scope !== 'device') return 0
  const floorOffline = site.file.fire.floorOffline
  if (!floorOffline.enabled) return 0
  const onFloor = site.devices.filter(
    (d) => !d.disabled && d.building === lead.building && d.floor === lead.floor,
  )
  return onFloor.length >= floorOffline.minDevices ? floorOffline.windowSec * 1000 : 0
}
