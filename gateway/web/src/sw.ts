/**
 * The wall's service worker (/sw.js, same origin, scope /): shows a Web Push alert as a system
 * notification and opens its one-tap acknowledgement page, or the wall, when it is tapped.
 * The payload is what alerting/notify/channels/web-push-channel.ts sends.
 */

// The page's tsconfig has the DOM library, not WebWorker: the few worker types used are spelt out.
interface PushEventLike extends ExtendableEventLike {
  data: { json(): unknown } | null
}
interface ExtendableEventLike extends Event {
  waitUntil(p: Promise<unknown>): void
}
interface NotificationEventLike extends ExtendableEventLike {
  notification: Notification & { data: unknown }
}
interface WorkerScope {
  registration: ServiceWorkerRegistration
  clients: { openWindow(url: string): Promise<unknown>; claim(): Promise<void> }
  skipWaiting(): Promise<void>
  addEventListener(type: string, listener: (e: never) => void): void
}

interface AlertPush {
  type?: string
  alertId?: string
  text?: string
  ackUrl?: string | null
  urgent?: boolean
}

const scope = self as unknown as WorkerScope

scope.addEventListener('install', (e: ExtendableEventLike) => e.waitUntil(scope.skipWaiting()))
scope.addEventListener('activate', (e: ExtendableEventLike) => e.waitUntil(scope.clients.claim()))

scope.addEventListener('push', (e: PushEventLike) => {
  let body: AlertPush = {}
  try {
    body = (e.data?.json() ?? {}) as AlertPush
  } catch {
    // Not ours or not JSON: still show something, a silent push is worse for a fire alarm.
  }
  const options: NotificationOptions & { requireInteraction?: boolean } = {
    body: body.text ?? '',
    tag: body.alertId ?? 'firewatch',
    data: { ackUrl: body.ackUrl ?? null },
    // A fire stays on screen until someone taps it.
    requireInteraction: body.urgent === true,
  }
  e.waitUntil(scope.registration.showNotification('Firewatch', options))
})

scope.addEventListener('notificationclick', (e: NotificationEventLike) => {
  e.notification.close()
  const data = e.notification.data as { ackUrl?: string | null } | null
  e.waitUntil(scope.clients.openWindow(data?.ackUrl ?? '/'))
})
