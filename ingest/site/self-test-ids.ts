import type { z } from 'zod'

// The gateway's own self-test probe (docs/self-watch.md): a building and a device that the gateway
// declares itself at start-up. A site file may not use these ids, so the probe's alarms can never
// be mistaken for, or hide, a real building's.

export const SELF_TEST_BUILDING = 'firewatch-self-test'
export const SELF_TEST_DEVICE = 'firewatch-self-test-probe'

const RESERVED = 'is reserved for the gateway self-test (docs/self-watch.md)'

/** Site-file check: the reserved ids are refused as building ids, device ids and token names. */
export function checkReservedIds(
  site: { buildings: { id: string }[]; devices: { id: string }[]; apiTokens: { name: string }[] },
  ctx: z.RefinementCtx,
): void {
  const refuse = (path: (string | number)[], id: string) =>
    ctx.addIssue({ code: 'custom', path, message: `${id} ${RESERVED}` })
  site.buildings.forEach((b, i) => {
    if (b.id === SELF_TEST_BUILDING) refuse(['buildings', i, 'id'], b.id)
  })
  site.devices.forEach((d, i) => {
    if (d.id === SELF_TEST_DEVICE || d.id === SELF_TEST_BUILDING) refuse(['devices', i, 'id'], d.id)
  })
  site.apiTokens.forEach((t, i) => {
    if (t.name === SELF_TEST_DEVICE) refuse(['apiTokens', i, 'name'], t.name)
  })
}
