import type { Catalogue } from '../../alerting/i18n/catalogue.ts'

export type FunctionKey = {
  [K in keyof Catalogue]: Catalogue[K] extends (p: never) => string ? K : never
}[keyof Catalogue]

// One realistic argument per function of the catalogue: a function added without a sample here is
// a compile error, so every key is rendered below.
export const SAMPLES: { [K in FunctionKey]: Parameters<Catalogue[K]>[0] } = {
  floor: -2,
  place: { building: 'Riverside Tower B', floor: '12F', zone: '12-east' },
  metricLabel: { quantity: 'cable temperature', channel: 'L1' },
  measured: { value: '72.5', unit: '°C', quantity: 'cable temperature', channel: 'L1' },
  alertMessage: {
    title: 'Smoke alarm',
    place: 'Tower A 12F 12-east',
    label: 'Kitchen corridor',
    measured: '0.31 dB/m',
    detail: 'chamber dirty',
  },
  smsAlert: {
    type: 'FIRE',
    time: '14:05',
    title: 'Smoke alarm',
    place: 'Tower A 12F 12-east',
    label: 'Kitchen corridor',
    measured: '0.31 dB/m',
    link: 'https://fire.example.com/ack/abc',
  },
  smsAllClear: { type: 'FIRE', place: 'Tower A 12F 12-east', label: 'Kitchen corridor', time: '14:48' },
  incidentTitle: { type: 'Fire', place: 'Tower A 12F 12-east', label: 'Kitchen corridor' },
  incidentTitleFloors: { type: 'Fire', building: 'Tower A', floors: '12F > 13F' },
  floorPath: { floors: ['12F', '13F', '11F'] },
  scopeFloors: { floors: ['11F', '12F', '13F'] },
  scopeDevices: { count: 3 },
  allClearType: { type: 'FIRE' },
  smsUpdate: {
    type: 'FIRE',
    time: '14:07',
    news: 'Fire spreading between floors',
    place: 'Tower A 12F 12-east',
    label: 'Kitchen corridor',
    link: 'https://fire.example.com/a/abc',
  },
  updatePlace: { building: 'Tower A', floors: '12F > 13F' },
  updateType: { type: 'FIRE' },
  incidentPlace: { building: 'Tower A', floors: '12F > 13F' },
  pushTitle: { type: 'FIRE', building: 'Tower A' },
  digestHeader: { count: 7, max: 5, minutes: 60 },
  digestLine: { type: 'Fault', message: 'Device fault: Tower A 12F 12-east, Lobby', state: 'open' },
  digestMore: { count: 3 },
  digestAck: { link: 'https://fire.example.com/ack/abc' },
  ackFor: { name: 'Li Wei' },
  ackAlready: { state: 'acknowledged' },
  ackThanks: { name: 'Li Wei' },
  ackNothingChanged: { state: 'resolved' },
  noRoute: { method: 'GET', path: '/api/v1/nothing' },
}
