// Every error code of the scenario runners, in one place, as ingest/error-codes.ts does for the
// gateway (CONTRIBUTING.md, "Style"). Scenario file problems are YamlFileError (ingest/site/yaml-file.ts),
// with file, line and field.
export const SimulatorErrorCodes = {
  FGW_ERR_SIM_TIME: 'virtual time was asked to go backwards',
  FGW_ERR_SIM_SKEW: 'at this speed the device timestamps would leave the gateway skew window',
  FGW_ERR_SIM_CONNECT: 'a simulated device could not connect to the broker',
  FGW_ERR_SIM_HTTP: 'the gateway HTTP API answered with an error',
  FGW_ERR_SIM_USAGE: 'bad command-line arguments',
} as const

export type SimulatorErrorCode = keyof typeof SimulatorErrorCodes

export class SimulatorError extends Error {
  constructor(
    readonly code: SimulatorErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options)
    this.name = 'SimulatorError'
  }
}
