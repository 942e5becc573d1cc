import type { AlertEventData, DevicesEventData, SnapshotEventData } from '../../live-stream.ts'
import { Alarm } from './alarm.ts'
import { tokenStore, Unauthorized } from './api.ts'
import { BuildingView } from './building-view.ts'
import { byId } from './dom.ts'
import { connectLive, type StreamEvent } from './live-client.ts'
import { WallStore } from './wall-store.ts'
import { renderPinned, renderWall } from './wall-view.ts'

const wall = byId<HTMLElement>('wall')
const buildingRoot = byId<HTMLElement>('building')
const pinned = byId<HTMLElement>('pinned')
const connection = byId<HTMLElement>('connection')
const signIn = byId<HTMLFormElement>('sign-in')
const signOut = byId<HTMLButtonElement>('sign-out')

const alarm = new Alarm(() => byId('sound-hint').setAttribute('hidden', ''))
let current: BuildingView | null = null
let disconnect: (() => void) | null = null

const store = new WallStore({
  buildingsChanged: () => renderWall(wall, store, openBuilding),
  alertsChanged: (alert) => {
    renderPinned(pinned, store)
    alarm.sound(store.unacknowledgedFires().length > 0)
    if (current && alert && alert.building === current.id) void current.refreshAlerts().catch(handleError)
  },
  devicesChanged: (devices) => current?.devicesChanged(devices),
})

function onEvent(e: StreamEvent): void {
  if (e.event === 'snapshot') store.snapshot(e.data as SnapshotEventData)
  else if (e.event === 'alert') store.alert(e.data as AlertEventData)
  else if (e.event === 'devices') store.devices(e.data as DevicesEventData)
}

function openBuilding(id: string): void {
  current = new BuildingView(buildingRoot, id, closeBuilding)
  wall.hidden = true
  buildingRoot.hidden = false
  void current.load().catch(handleError)
}

function closeBuilding(): void {
  current = null
  buildingRoot.hidden = true
  wall.hidden = false
}

function start(): void {
  signIn.hidden = true
  signOut.hidden = false
  wall.hidden = false
  disconnect = connectLive({
    event: onEvent,
    connection: (state) => {
      connection.textContent = state === 'live' ? 'LIVE' : 'NOT LIVE — reconnecting'
      connection.className = `connection ${state}`
    },
    unauthorized: () => showSignIn('That token was refused.'),
  })
}

function showSignIn(error: string | null): void {
  disconnect?.()
  tokenStore.clear()
  closeBuilding()
  wall.hidden = true
  signOut.hidden = true
  signIn.hidden = false
  const message = byId('sign-in-error')
  message.hidden = error === null
  message.textContent = error ?? ''
}

function handleError(err: unknown): void {
  if (err instanceof Unauthorized) showSignIn('That token was refused.')
  else console.error(err)
}

signIn.addEventListener('submit', (e) => {
  e.preventDefault()
  const token = byId<HTMLInputElement>('token').value.trim()
  if (token === '') return
  tokenStore.set(token)
  start()
})
signOut.addEventListener('click', () => showSignIn(null))

if (tokenStore.get()) start()
else showSignIn(null)
