import type { AlertEventData, DevicesEventData, SnapshotEventData } from '../../live-stream.ts'
import { Alarm } from './alarm.ts'
import { learnSiteLocale } from './alert-text.ts'
import { tokenStore, Unauthorized } from './api.ts'
import { BuildingView } from './building-view.ts'
import { showDeviceDetail } from './device-detail.ts'
import { byId } from './dom.ts'
import { EventLog } from './event-log.ts'
import { currentLocale, type MessageKey, setLocale, setSiteTimeZone, t, translateStatic } from './i18n.ts'
import { connectLive, type StreamEvent } from './live-client.ts'
import { PushSignup, pushStateText } from './push-signup.ts'
import { timed } from './timing.ts'
import { WallStore } from './wall-store.ts'
import { renderPinned, WallView } from './wall-view.ts'

const wall = byId<HTMLElement>('wall')
const buildingRoot = byId<HTMLElement>('building')
const pinned = byId<HTMLElement>('pinned')
const events = byId<HTMLElement>('events')
const connection = byId<HTMLElement>('connection')
const signIn = byId<HTMLFormElement>('sign-in')
const signOut = byId<HTMLButtonElement>('sign-out')
const pushButton = byId<HTMLButtonElement>('push-signup')
const pushStatus = byId<HTMLElement>('push-status')

const alarm = new Alarm(() => byId('sound-hint').setAttribute('hidden', ''))
const store = new WallStore()
const wallView = new WallView(wall, store, openBuilding)
const eventLog = new EventLog(byId('event-list'), (id) => store.buildingName(id))
const push = new PushSignup((state) => {
  pushButton.hidden = state.kind !== 'offer'
  pushStatus.textContent = pushStateText(state)
  pushStatus.hidden = pushStatus.textContent === ''
})
let current: BuildingView | null = null
let disconnect: (() => void) | null = null
let connectionKey: MessageKey = 'connection.connecting'
let signInError: MessageKey | null = null
let frame: number | null = null

function onEvent(e: StreamEvent): void {
  if (e.event === 'snapshot') {
    const data = e.data as SnapshotEventData
    store.snapshot(data)
    if (data.site) {
      setSiteTimeZone(data.site.timezone)
      learnSiteLocale(data.site.locale)
    }
    eventLog.snapshot()
  } else if (e.event === 'alert') {
    store.alert(e.data as AlertEventData)
    eventLog.alert(e.id, e.data as AlertEventData)
  } else if (e.event === 'devices') store.devices(e.data as DevicesEventData)
  // Sound at once, not in the next frame: a hidden tab gets no animation frames.
  alarm.sound(store.unacknowledgedFires().length > 0)
  scheduleDraw()
}

/** Views redraw at most once per animation frame, with only what changed since the last one. */
function scheduleDraw(): void {
  if (frame === null) frame = requestAnimationFrame(() => timed('wall:draw', draw))
}

function draw(): void {
  frame = null
  const dirty = store.takeDirty()
  if (dirty.buildings || dirty.alerts) wallView.render()
  if (dirty.alerts) {
    renderPinned(pinned, store)
    eventLog.render()
  }
  if (current) {
    if (dirty.buildings) current.summaryChanged(store.buildings.get(current.id))
    current.devicesChanged(dirty.devices.values())
    if (dirty.alertBuildings.has(current.id)) void current.refreshAlerts().catch(handleError)
  }
}

/** Everything drawn again in the language just chosen. */
function redrawAll(): void {
  translateStatic(document)
  connection.textContent = t(connectionKey)
  showSignInError()
  wallView.render()
  renderPinned(pinned, store)
  eventLog.render()
  if (current) openBuilding(current.id)
  void push.offer().catch(handleError)
  const open = document.querySelector<HTMLDialogElement>('dialog.device-detail')
  if (open?.dataset.device) {
    open.close()
    openDevice(open.dataset.device)
  }
}

function openBuilding(id: string): void {
  current = new BuildingView(buildingRoot, id, closeBuilding, openDevice)
  wall.hidden = true
  events.hidden = true
  buildingRoot.hidden = false
  void current.load().catch(handleError)
}

function openDevice(id: string): void {
  void showDeviceDetail(id).catch(handleError)
}

function closeBuilding(): void {
  current = null
  buildingRoot.hidden = true
  wall.hidden = false
  events.hidden = false
}

function setConnection(key: MessageKey, state: 'live' | 'down'): void {
  connectionKey = key
  connection.textContent = t(key)
  connection.className = `connection ${state}`
}

function start(): void {
  signIn.hidden = true
  signOut.hidden = false
  wall.hidden = false
  events.hidden = false
  eventLog.render()
  disconnect = connectLive({
    event: onEvent,
    connection: (state) => setConnection(state === 'live' ? 'connection.live' : 'connection.down', state),
    unauthorized: () => showSignIn('signIn.refused'),
  })
  void push.offer().catch(handleError)
}

function showSignIn(error: MessageKey | null): void {
  disconnect?.()
  tokenStore.clear()
  closeBuilding()
  wall.hidden = true
  events.hidden = true
  signOut.hidden = true
  pushButton.hidden = true
  pushStatus.hidden = true
  signIn.hidden = false
  signInError = error
  showSignInError()
}

function showSignInError(): void {
  const message = byId('sign-in-error')
  message.hidden = signInError === null
  message.textContent = signInError === null ? '' : t(signInError)
}

function handleError(err: unknown): void {
  if (err instanceof Unauthorized) showSignIn('signIn.refused')
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
pushButton.addEventListener('click', () => void push.signUp())
byId('language').addEventListener('click', () => {
  setLocale(currentLocale() === 'en' ? 'zh-CN' : 'en')
  redrawAll()
})

translateStatic(document)
setConnection('connection.connecting', 'down')
if (tokenStore.get()) start()
else showSignIn(null)
