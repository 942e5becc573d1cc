import type { SensorKind } from '../../ingest/site/site-schema.ts'
import type { ModelSpec } from './device-model.ts'
import { electricalModel } from './electrical-model.ts'
import { levelModel } from './level-model.ts'
import { pressureModel } from './pressure-model.ts'
import { smokeModel } from './smoke-model.ts'

/** Every device model, by the name scenario files use (`model: smoke`). */
export const MODELS: Readonly<Record<string, ModelSpec>> = {
  smoke: smokeModel,
  pressure: pressureModel,
  level: levelModel,
  electrical: electricalModel,
}

const BY_KIND: Readonly<Record<SensorKind, ModelSpec>> = {
  smoke_detector: smokeModel,
  pressure_sensor: pressureModel,
  level_sensor: levelModel,
  electrical_monitor: electricalModel,
}

/** The model a device of this kind gets when the scenario names none. */
export function defaultModelOf(kind: SensorKind): ModelSpec {
  return BY_KIND[kind]
}
