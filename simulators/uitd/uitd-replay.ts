import net from 'node:net'
import { Command, decodeFrame, StreamDecoder } from '../../ingest/gbt26875/index.ts'
import { type SimClock, systemClock } from '../record/wall-clock.ts'
import { readFrameRecording } from './frame-recording.ts'

export interface UitdReplayOptions {
  file: string
  host: string
  port: number
  /** 1 = the recorded pace, 10 = ten times faster, 0 = as fast as possible. */
  speed?: number
  /** After the last frame, wait at most this long for the answers. */
  settleMs?: number
  clock?: SimClock
}

export interface UitdReplaySummary {
  /** Frames sent (the recording's 'tx' lines). */
  sent: number
  /** Data frames among them, each waiting for a confirm or deny. */
  dataFrames: number
  confirmed: number
  denied: number
}

/**
 * Sends the frames a simulated UITD sent ('tx'), byte for byte, at their recorded pace, on a new
 * connection, and counts how the centre answers the data frames. Serials and time tags are the
 * recorded ones: a centre that saw them lately treats them as retransmissions (confirmed again).
 */
export async function replayUitdRecording(opts: UitdReplayOptions): Promise<UitdReplaySummary> {
  const frames = readFrameRecording(opts.file).filter((f) => f.dir === 'tx' && !f.bad && f.hex !== '')
  const clock = opts.clock ?? systemClock
  const speed = opts.speed ?? 1
  const socket = await connect(opts.host, opts.port)
  const waiting = new Set<number>()
  const summary: UitdReplaySummary = { sent: 0, dataFrames: 0, confirmed: 0, denied: 0 }
  const decoder = new StreamDecoder()
  socket.on('data', (chunk: Buffer) => {
    for (const r of decoder.push(chunk)) {
      if (!r.ok || !waiting.delete(r.frame.serial)) continue
      if (r.frame.command === Command.confirm) summary.confirmed++
      else if (r.frame.command === Command.deny) summary.denied++
    }
  })
  const started = clock.monotonic()
  for (const frame of frames) {
    const due = speed === 0 ? 0 : (frame.t - frames[0]!.t) / speed - (clock.monotonic() - started)
    if (due > 0) await sleep(due)
    const bytes = Buffer.from(frame.hex, 'hex')
    const parsed = decodeFrame(bytes)
    if (parsed.ok && parsed.frame.command === Command.sendData) {
      waiting.add(parsed.frame.serial)
      summary.dataFrames++
    }
    socket.write(bytes)
    summary.sent++
  }
  const settleUntil = clock.monotonic() + (opts.settleMs ?? 5_000)
  while (waiting.size > 0 && clock.monotonic() < settleUntil && !socket.destroyed) await sleep(10)
  socket.destroy()
  return summary
}

function connect(host: string, port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host, () => {
      socket.off('error', reject)
      socket.on('error', () => {})
      resolve(socket)
    })
    socket.once('error', reject)
  })
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
