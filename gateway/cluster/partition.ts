// Where a building's messages go in cluster mode (docs/cluster.md "Running cluster mode"): one
// JetStream stream, one subject per partition, building and device. A building never straddles
// two partitions, so one worker sees all of a building's fire logic (zones, floors, spread).

/** The stream of accepted readings, events and status messages. */
export const TELEMETRY_STREAM = 'FW_TELE'
export const TELEMETRY_SUBJECTS = 'fw.tele.>'

/**
 * FNV-1a (32 bits) of the building id, mod the partition count: the same on every node, every
 * run and every Node.js version, which `partitions` being fixed for the life of a cluster needs.
 */
export function partitionOf(building: string, partitions: number): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < building.length; i++) {
    hash ^= building.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash % partitions
}

/** Site ids are lower-case letters, digits and "-" (ingest/site-schema.ts): safe subject tokens. */
export function telemetrySubject(partition: number, building: string, device: string): string {
  return `fw.tele.p${partition}.${building}.${device}`
}

/** Every message of one partition. */
export function partitionFilter(partition: number): string {
  return `fw.tele.p${partition}.>`
}
