import {
  type Consumer,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type PubAck,
  StorageType,
} from '@nats-io/jetstream'
import { nanos, TimeoutError } from '@nats-io/transport-node'

/** An R3 file stream on `<name>.>` that drops a message id seen in the last two minutes. */
export async function addReplicatedStream(jsm: JetStreamManager, name: string): Promise<void> {
  await jsm.streams.add({
    name,
    subjects: [`${name}.>`],
    num_replicas: 3,
    storage: StorageType.File,
    duplicate_window: nanos(120_000),
  })
}

/**
 * Publishes one message with its id, again and again (same id) until the stream acknowledges it
 * or the deadline passes; says how many attempts failed first. A retry after a lost acknowledgement
 * is what the duplicate window is for: the stream keeps the message once.
 */
export async function publishUntilAcked(
  js: JetStreamClient,
  subject: string,
  msgID: string,
  deadline: number,
): Promise<{ ack: PubAck; failed: number }> {
  for (let failed = 0; ; failed++) {
    try {
      return { ack: await js.publish(subject, msgID, { msgID, timeout: 1_000 }), failed }
    } catch (err) {
      if (performance.now() > deadline) throw new Error(`${msgID} never acknowledged: ${err}`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }
}

/**
 * Every message of the stream from sequence `from` on, through an ordered consumer, as far as the
 * last one stored when reading began; gives up after `timeoutMs` with what it has read.
 */
export async function readFrom(
  js: JetStreamClient,
  jsm: JetStreamManager,
  stream: string,
  from: number,
  timeoutMs = 20_000,
): Promise<JsMsg[]> {
  const last = (await jsm.streams.info(stream)).state.last_seq
  const read: JsMsg[] = []
  if (last < from) return read
  const consumer = await orderedConsumer(js, stream, from)
  const messages = await consumer.consume({ max_messages: 500 })
  const timer = setTimeout(() => messages.stop(), timeoutMs)
  try {
    for await (const m of messages) {
      read.push(m)
      if (m.seq >= last) break
    }
  } finally {
    clearTimeout(timer)
    messages.stop()
  }
  return read
}

/**
 * An ordered consumer from sequence `from`. nats-server before 2.12 (Debian 12 ships 2.9.10) may
 * place such a one-replica consumer on a stream peer that is down, and its creation then goes
 * unanswered (nats-io/nats-server pull request 7165): each new attempt is placed anew.
 */
async function orderedConsumer(js: JetStreamClient, stream: string, from: number): Promise<Consumer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await js.consumers.get(stream, { opt_start_seq: from })
    } catch (err) {
      if (attempt === 12 || !(err instanceof TimeoutError)) throw err
    }
  }
}

/** How many times each message id occurs among the messages. */
export function idCounts(messages: JsMsg[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const m of messages) {
    const id = m.headers?.get('Nats-Msg-Id') ?? '(no id)'
    counts.set(id, (counts.get(id) ?? 0) + 1)
  }
  return counts
}

/** Waits (bounded) until the stream's leader reports both other replicas current, with no lag. */
export async function waitForCurrentReplicas(jsm: JetStreamManager, stream: string): Promise<void> {
  const deadline = performance.now() + 30_000
  let last = ''
  while (performance.now() < deadline) {
    const replicas = await jsm.streams.info(stream).then(
      (si) => si.cluster?.replicas ?? [],
      () => [],
    )
    last = JSON.stringify(replicas.map((r) => ({ name: r.name, current: r.current, lag: r.lag })))
    if (replicas.length === 2 && replicas.every((r) => r.current && !r.offline && !r.lag)) return
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`stream ${stream}: replicas not current after 30 s: ${last}`)
}
