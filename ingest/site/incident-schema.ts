import { z } from 'zod'

/**
 * How alerts are grouped into incidents (docs/rules.md, "Incidents"). Every default is an
 * engineering choice, not a figure from a standard.
 */
export const IncidentSettings = z
  .object({
    /**
     * A device's own alerts of every class share one incident while it is active: its pre-alarm
     * and its alarm, a low-pressure warning and the low-pressure alarm after it.
     */
    deviceTogether: z.boolean().default(true),
    /**
     * Paging: after a person was told of an incident, its material growth (a new floor, a
     * confirmation, spread, a more severe class) is sent as at most one update per this many
     * seconds; growth within it is merged into the next update.
     */
    updateWindowSec: z.number().int().min(0).max(3600).default(60),
  })
  .strict()
export type IncidentSettings = z.infer<typeof IncidentSettings>

export const incidentShape = {
  incidents: IncidentSettings.default(IncidentSettings.parse({})),
}
