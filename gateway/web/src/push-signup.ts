import { api } from './api.ts'
import { t } from './i18n.ts'

interface PushKey {
  publicKey: string
  /** Contacts with the push channel this token may register a browser for. */
  contacts: { id: string; name: string }[]
}

export type PushState =
  | { kind: 'hidden' }
  | { kind: 'offer' }
  | { kind: 'working' }
  | { kind: 'on' }
  | { kind: 'denied' }
  | { kind: 'unsupported' }
  | { kind: 'failed'; reason: string }

/**
 * Web Push sign-up for a building manager's phone or desk: offered when this token is linked to a
 * contact with the push channel and the gateway has a VAPID key. On a click: ask permission,
 * register the service worker (/sw.js), subscribe with the VAPID key and register the
 * subscription with POST /api/v1/push/subscriptions.
 */
export class PushSignup {
  private key: PushKey | null = null

  constructor(private readonly show: (state: PushState) => void) {}

  /** After sign-in: offer the sign-up or say nothing (brigade desks have no push contact). */
  async offer(): Promise<void> {
    this.key = null
    const key = await api<PushKey>('/push/vapid-public-key').catch(() => null)
    if (!key || key.contacts.length === 0) return this.show({ kind: 'hidden' })
    if (!('serviceWorker' in navigator) || !('PushManager' in window))
      return this.show({ kind: 'unsupported' })
    this.key = key
    const registration = await navigator.serviceWorker.getRegistration('/')
    const existing = await registration?.pushManager.getSubscription()
    this.show(existing && Notification.permission === 'granted' ? { kind: 'on' } : { kind: 'offer' })
  }

  async signUp(): Promise<void> {
    const key = this.key
    const contact = key?.contacts[0]
    if (!key || !contact) return
    this.show({ kind: 'working' })
    try {
      if ((await Notification.requestPermission()) !== 'granted') return this.show({ kind: 'denied' })
      await navigator.serviceWorker.register('/sw.js', { scope: '/' })
      const registration = await navigator.serviceWorker.ready
      const subscription =
        (await registration.pushManager.getSubscription()) ??
        (await withinTime(
          registration.pushManager.subscribe({
            userVisibleOnly: true,
            applicationServerKey: base64UrlBytes(key.publicKey),
          }),
        ))
      await api('/push/subscriptions', {
        method: 'POST',
        body: JSON.stringify({ contact: contact.id, ...subscription.toJSON() }),
      })
      this.show({ kind: 'on' })
    } catch (err) {
      this.show({ kind: 'failed', reason: err instanceof Error ? err.message : String(err) })
    }
  }
}

/** The browser's push service may be unreachable (no network, blocked); say so rather than spin. */
const SUBSCRIBE_TIMEOUT_MS = 20_000

function withinTime<T>(promise: Promise<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(t('push.noAnswer'))), SUBSCRIBE_TIMEOUT_MS)
    promise.then(resolve, reject).finally(() => clearTimeout(timer))
  })
}

function base64UrlBytes(text: string): Uint8Array<ArrayBuffer> {
  const b64 = text
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(text.length / 4) * 4, '=')
  const binary = atob(b64)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

export function pushStateText(state: PushState): string {
  switch (state.kind) {
    case 'hidden':
    case 'offer':
      return ''
    case 'working':
      return t('push.working')
    case 'on':
      return t('push.on')
    case 'denied':
      return t('push.denied')
    case 'unsupported':
      return t('push.unsupported')
    case 'failed':
      return t('push.failed', { reason: state.reason })
  }
}
