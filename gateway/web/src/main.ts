import type {
  AlertEventData,
  DevicesEventData,
  IncidentEventData,
  SnapshotEventData,
} from '../../live/live-stream.ts'
import { AlarmList } from './alarm-list.ts'
import { floorsText, leadOf, learnSiteLocale } from './alert-text.ts'
import { tokenStore, Unauthorized } from './api.ts'
import { TabAttention } from './attention.ts'
import { BuildingView, rememberDevices } from './building-view.ts'
import { showDeviceDetail } from './device-detail.ts'
import { byId } from './dom.ts'
import { EventLog } from './event-log.ts'
import { renderPinned } from './fire-banners.ts'
import { currentLocale, type MessageKey, setLocale, setSiteTimeZone, t, translateStatic } from './i18n.ts'
import { type ConnectionState, connectLive, type LiveConnection, type StreamEvent } from './live-client.ts'
import { PushSignup, pushStateText } from './push-signup.ts'
import { RegisterView } from './register-view.ts'
import { SoundBar } from './sound-bar.ts'
import { Sounder } from './sounder.ts'
import { StaleBanner } from './stale-banner.ts'
import { timed } from './timing.ts'
import { WallStore } from './wall-store.ts'
import { WallView } from './wall-view.ts'

const wall = byId<HTMLElement>('wall')
const alarms = byId<HTMLElement>('alarms')
const buildingRoot = byId<HTMLElement>('building')
const pinned = byId<HTMLElement>('pinned')
const events = byId<HTMLElement>('events')
const connection = byId<HTMLElement>('connection')
const signIn = byId<HTMLFormElement>('sign-in')
const signOut = byId<HTMLButtonElement>('sign-out')
const pushButton = byId<HTMLButtonElement>('push-signup')
const pushStatus = byId<HTMLElement>('push-status')
const registerRoot = byId<HTMLElement>('register')
const registerButton = byId<HTMLButtonElement>('register-open')

const store = new WallStore()
const wallView = new WallView(wall, store, openBuilding)
const alarmList = new AlarmList(alarms, store, openBuilding)
const eventLog = new EventLog(byId('event-list'), (id) => store.buildingName(id))
const sounder = new Sounder(() => soundBar?.render())
const soundBar = new SoundBar(byId('sound-bar'), sounder)
const stale = new StaleBanner(byId('stale'), () => live?.retryNow())
const tab = new TabAttention()
const push = new PushSignup((state) => {
  pushButton.hidden = state.kind !== 'offer'
  pushStatus.textContent = pushStateText(state)
  pushStatus.hidden = pushStatus.textContent === ''
})
let current: BuildingView | null = null
let registerOpen = false
let live: LiveConnection | null = null
let connectionKey: MessageKey = 'connection.connecting'
let isDown = false
let signInError: MessageKey | null = null
let frame: number | null = null

function onEvent(e: StreamEvent): void {
  if (e.event === 'snapshot') {
    const data = e.data as SnapshotEventData
    store.snapshot(data)
    rememberDevices(data.devices ?? [])
    if (data.site) {
      setSiteTimeZone(data.site.timezone)
      learnSiteLocale(data.site.locale)
    }
    eventLog.snapshot()
  } else if (e.event === 'alert') {
    store.alert(e.data as AlertEventData)
    eventLog.alert(e.id, e.data as AlertEventData)
  } else if (e.event === 'incident') {
    store.incident(e.data as IncidentEventData)
  } else if (e.event === 'devices') {
    const data = e.data as DevicesEventData
    store.devices(data)
    rememberDevices(data.devices)
  }
  // Sound at once, not in the next frame: a hidden tab gets no animation frames.
  sounder.setFires(store.unacknowledgedFires().map((a) => a.id))
  updateTab()
  scheduleDraw()
}

/** The tab's title and icon: the first unacknowledged fire (one per incident), or the lost connection. */
function updateTab(): void {
  const [first, ...more] = store.unacknowledgedFireIncidents()
  const zone = first ? leadOf(first, store.alerts)?.zone : undefined
  const where = first
    ? [store.buildingName(first.building), floorsText(first.floors), zone].filter(Boolean).join(' · ')
    : null
  tab.update(where, more.length, isDown)
}

/** Views redraw at most once per animation frame, with only what changed since the last one. */
function scheduleDraw(): void {
  if (frame === null) frame = requestAnimationFrame(() => timed('wall:draw', draw))
}

function draw(): void {
  frame = null
  const dirty = store.takeDirty()
  if (dirty.buildings || dirty.alerts) {
    wallView.render()
    alarmList.render()
  }
  if (dirty.alerts) {
    renderPinned(pinned, store)
    eventLog.render()
  }
  if (current) {
    const summary = store.buildings.get(current.id)
    if (summary && dirty.buildings) current.summaryChanged(summary)
    current.devicesChanged(dirty.devices.values())
    if (dirty.alerts) current.incidentsChanged()
    if (dirty.alertBuildings.has(current.id)) void current.refreshAlerts()
  }
}

/** Everything drawn again in the language just chosen. */
function redrawAll(): void {
  translateStatic(document)
  connection.textContent = t(connectionKey)
  showSignInError()
  wallView.render()
  alarmList.render()
  renderPinned(pinned, store)
  eventLog.render()
  soundBar.render()
  stale.render()
  updateTab()
  if (current) openBuilding(current.id)
  if (registerOpen) openRegister()
  void push.offer().catch(handleError)
  const open = document.querySelector<HTMLDialogElement>('dialog.device-detail')
  if (open?.dataset.device) {
    open.close()
    openDevice(open.dataset.device)
  }
}

function openBuilding(id: string): void {
  if (registerOpen) closeRegister()
  current?.close()
  current = new BuildingView(buildingRoot, id, {
    store,
    back: closeBuilding,
    openDevice,
    unauthorized: () => showSignIn('signIn.refused'),
  })
  showOverview(false)
  buildingRoot.hidden = false
  current.focus()
  void current.load()
}

/** The hazard register and the risk grades (docs/register.md), in place of the wall. */
function openRegister(): void {
  closeBuilding()
  registerOpen = true
  const choices = () => store.sortedBuildings().map((b) => ({ id: b.id, name: b.name }))
  const view = new RegisterView(registerRoot, choices, closeRegister, () => showSignIn('signIn.refused'))
  showOverview(false)
  registerRoot.hidden = false
  void view.load()
}

function closeRegister(): void {
  registerOpen = false
  registerRoot.hidden = true
  showOverview(true)
}

function openDevice(id: string): void {
  void showDeviceDetail(id).catch(handleError)
}

function closeBuilding(): void {
  const left = current?.id
  current?.close()
  current = null
  buildingRoot.hidden = true
  showOverview(true)
  if (left) wallView.focusTile(left)
}

/** The wall's own page: its tiles, its alarm list and its event log. */
function showOverview(shown: boolean): void {
  wall.hidden = !shown
  alarms.hidden = !shown
  events.hidden = !shown
}

function onConnection(state: ConnectionState): void {
  const wasDown = isDown
  isDown = state.state === 'down'
  connectionKey = isDown ? 'connection.down' : 'connection.live'
  connection.textContent = t(connectionKey)
  connection.className = `connection ${state.state}`
  stale.show(state)
  sounder.setFault(isDown)
  updateTab()
  // Back: the stream has brought the current state; the open building is read again in full.
  if (wasDown && !isDown && current) void current.load()
}

/** Signed out (or not yet connected): neither live nor lost. */
function resetConnection(): void {
  isDown = false
  connectionKey = 'connection.connecting'
  connection.textContent = t(connectionKey)
  connection.className = 'connection connecting'
  stale.show({ state: 'live' })
  sounder.setFault(false)
  updateTab()
}

function start(): void {
  signIn.hidden = true
  signOut.hidden = false
  registerButton.hidden = false
  showOverview(true)
  eventLog.render()
  live = connectLive({
    event: onEvent,
    connection: onConnection,
    unauthorized: () => showSignIn('signIn.refused'),
  })
  void push.offer().catch(handleError)
}

function showSignIn(error: MessageKey | null): void {
  live?.stop()
  live = null
  tokenStore.clear()
  closeBuilding()
  closeRegister()
  registerButton.hidden = true
  resetConnection()
  showOverview(false)
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
registerButton.addEventListener('click', openRegister)
pushButton.addEventListener('click', () => void push.signUp())
byId('language').addEventListener('click', () => {
  setLocale(currentLocale() === 'en' ? 'zh-CN' : 'en')
  redrawAll()
})

translateStatic(document)
sounder.start()
soundBar.render()
resetConnection()
if (tokenStore.get()) start()
else showSignIn(null)
