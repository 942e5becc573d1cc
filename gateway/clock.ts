/** The one place where the gateway reads the wall clock; everything else gets a Clock. */
export const systemClock = { now: (): number => Date.now() }
