import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Command, decodeFrame } from '../../ingest/gbt26875/index.ts'
import { FrameRecorder, readFrameRecording } from '../../simulators/uitd/frame-recording.ts'
import { replayUitdRecording } from '../../simulators/uitd/uitd-replay.ts'
import { REPORTS } from '../../simulators/uitd/uitd-reports.ts'
import { ROOT } from '../support/paths.ts'
import { KNOWN_UITD, startUitdHarness, type UitdHarness } from '../support/uitd-harness.ts'

const harnesses: UitdHarness[] = []
const dirs: string[] = []
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.stop()))
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

async function harness(): Promise<UitdHarness> {
  const h = await startUitdHarness()
  harnesses.push(h)
  return h
}

function tempFile(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'firewatch-uitd-'))
  dirs.push(dir)
  return join(dir, name)
}

describe('UITD simulator recordings', () => {
  it('When a session is recorded, then every frame both ways is in the file with its time and bytes', async () => {
    const h = await harness()
    const file = tempFile('session.jsonl')
    const recorder = new FrameRecorder(file)
    const sim = await h.simulator({ record: recorder })
    expect((await sim.send(REPORTS['call-point-fire'](sim.now()))).result).toBe('confirmed')
    expect((await sim.send(REPORTS['pump-start'](sim.now()))).result).toBe('confirmed')
    await sim.close()
    await recorder.close()
    const frames = readFrameRecording(file)
    const decoded = frames.map((f) => ({ dir: f.dir, t: f.t, frame: decodeFrame(Buffer.from(f.hex, 'hex')) }))
    const sent = decoded.filter(
      (d) => d.dir === 'tx' && d.frame.ok && d.frame.frame.command === Command.sendData,
    )
    const confirms = decoded.filter(
      (d) => d.dir === 'rx' && d.frame.ok && d.frame.frame.command === Command.confirm,
    )
    expect(sent).toHaveLength(2)
    expect(confirms).toHaveLength(2)
    expect(frames.every((f) => Number.isFinite(f.t) && f.t > 0)).toBe(true)
  })

  it('When a recording is replayed to another centre, then its reports arrive there and are confirmed', async () => {
    const first = await harness()
    const file = tempFile('replay.jsonl')
    const recorder = new FrameRecorder(file)
    const sim = await first.simulator({ record: recorder })
    await sim.send(REPORTS['call-point-fire'](sim.now()))
    await sim.send(REPORTS['water-flow'](sim.now()))
    await sim.close()
    await recorder.close()
    const second = await harness()
    const summary = await replayUitdRecording({
      file,
      host: '127.0.0.1',
      port: second.listener.port,
      speed: 0,
    })
    expect(summary).toMatchObject({ sent: 2, dataFrames: 2, confirmed: 2, denied: 0 })
    expect(second.events.componentStatus.map((e) => e[3])).toEqual(
      first.events.componentStatus.map((e) => e[3]),
    )
  })

  it('When a recording has a line that is not a frame, then reading it names the file and line', () => {
    const file = tempFile('bad.jsonl')
    writeFileSync(file, '{"t":1,"dir":"tx","hex":"4040"}\n{"t":2,"dir":"up","hex":""}\n')
    expect(() => readFrameRecording(file)).toThrow(/bad\.jsonl:2: not a recorded frame/)
  })

  it('When firewatch-sim uitd sends a call point fire, then the listener gets it and the command exits 0', async () => {
    const h = await harness()
    const args = ['--import', 'tsx', 'simulators/cli.ts', 'uitd', '--port', String(h.listener.port)]
    args.push(
      '--address',
      String(KNOWN_UITD.address),
      '--report',
      'call-point-fire',
      '--floor',
      '7',
      '--json',
    )
    const result = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(process.execPath, args, { cwd: ROOT, timeout: 60_000 }, (err, stdout) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout }),
      )
    })
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({
      outcomes: [{ report: 'call-point-fire', result: 'confirmed' }],
    })
    expect(h.events.componentStatus.map((e) => e[3])).toEqual(['7F 手动火灾报警按钮'])
  })
})
