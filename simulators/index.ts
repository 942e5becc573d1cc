// The public surface of simulators/ for programs (tests, benchmarks); people use the CLI,
// simulators/cli.ts (`firewatch-sim`). Simulated devices and UITDs speak to the gateway over MQTT
// and TCP as real ones do: simulators/ never imports gateway/ (`npm run lint` enforces it). The
// virtual-time runner plays scenarios through alerting/'s own alarm path.

export * from './load/load-run.ts'
export * from './load/load-summary.ts'
export * from './models/sim-device.ts'
export * from './record/index.ts'
export * from './replay/index.ts'
export * from './runner/live-runner.ts'
export * from './runner/report.ts'
export * from './runner/run-result.ts'
export * from './runner/scenario-player.ts'
export * from './runner/virtual-runner.ts'
export * from './scenario/load-scenario.ts'
export * from './scenario/scenario-types.ts'
export * from './uitd/uitd-replay.ts'
export * from './uitd/uitd-simulator.ts'
