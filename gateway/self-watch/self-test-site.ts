import { randomBytes } from 'node:crypto'
import type { IngestSink } from '../../ingest/ingest-pipeline.ts'
import { SELF_TEST_BUILDING, SELF_TEST_DEVICE } from '../../ingest/site/self-test-ids.ts'
import { SiteModel } from '../../ingest/site/site-model.ts'
import type { Building, SensorDevice } from '../../ingest/site/site-schema.ts'

/** The probe's login: a fresh random secret per process, known to nobody outside it. */
export interface ProbeLogin {
  username: string
  password: string
  building: string
}

export function newProbeLogin(): ProbeLogin {
  return {
    username: SELF_TEST_DEVICE,
    password: randomBytes(24).toString('base64url'),
    building: SELF_TEST_BUILDING,
  }
}

/**
 * The site as the alarm path and the broker see it: the site file's, plus the self-test building
 * with its one probe, a smoke detector that logs in like any device. Everything people see (the
 * HTTP API, the wall, notifications, reports) keeps the plain site, so the probe is nowhere there.
 */
export function withSelfTestProbe(site: SiteModel, login: ProbeLogin, clock: { now(): number }): SiteModel {
  const building: Building = {
    id: SELF_TEST_BUILDING,
    name: 'Firewatch self-test',
    floors: 1,
    basements: 0,
    rules: {},
  }
  const probe: SensorDevice = {
    id: SELF_TEST_DEVICE,
    building: SELF_TEST_BUILDING,
    floor: 1,
    zone: 'self-test',
    label: 'Firewatch self-test probe',
    disabled: false,
    // The probe is connected only while a self-test runs: its silence in between is no fault.
    rules: { 'device.offline': { enabled: false } },
    kind: 'smoke_detector',
    secret: login.password,
  }
  const file = site.file
  return new SiteModel(
    { ...file, buildings: [...file.buildings, building], devices: [...file.devices, probe] },
    { clock },
  )
}

export const isSelfTestBuilding = (building: string): boolean => building === SELF_TEST_BUILDING

/** An ingest sink that never hears of the probe: the wall, the readings store, the reports. */
export function withoutProbe(sink: IngestSink): IngestSink {
  const probe = (m: { building: string }) => isSelfTestBuilding(m.building)
  return {
    // The hot path: a batch without the probe (all of them but its own) is passed on as it is.
    readingsAccepted: (readings) => {
      if (!readings.some(probe)) sink.readingsAccepted?.(readings)
      else if (readings.some((r) => !probe(r))) sink.readingsAccepted?.(readings.filter((r) => !probe(r)))
    },
    eventAccepted: (e) => {
      if (!probe(e)) sink.eventAccepted?.(e)
    },
    statusChanged: (s) => {
      if (!probe(s)) sink.statusChanged?.(s)
    },
    panelStatusAccepted: (s) => sink.panelStatusAccepted?.(s),
    uitdLinkChanged: (e) => sink.uitdLinkChanged?.(e),
    panelOperationRecorded: (o) => sink.panelOperationRecorded?.(o),
  }
}
