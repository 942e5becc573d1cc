// Structural dependency types for alerting/ (docs/architecture.md, "The injected clock"): no shared
// "common" folder.

/** Epoch milliseconds; injected so that the same code runs in real and in virtual time. */
export interface Clock {
  now(): number
}

/** The subset of pino's logger that alerting/ uses. */
export interface Logger {
  info(obj: object, msg?: string): void
  warn(obj: object, msg?: string): void
  error(obj: object, msg?: string): void
  debug(obj: object, msg?: string): void
}
