// The GB/T 26875.3 listener against the UITD simulator, over real TCP on loopback.
import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import {
  Command,
  decodeFrame,
  encodeFrame,
  StreamDecoder,
  timeTagToEpochMs,
} from '../../ingest/gbt26875/index.ts'
import { REPORTS } from '../../simulators/uitd/uitd-reports.ts'
import { createTestCa } from '../support/test-ca.ts'
import { CENTRE, KNOWN_UITD, startUitdHarness, type UitdHarness, waitFor } from '../support/uitd-harness.ts'

let h: UitdHarness | undefined
afterEach(async () => {
  await h?.stop()
  h = undefined
})

describe('UITD listener', () => {
  it('When a call point on 12F reports fire, then componentStatus gets it with the fire flag and the UITD a confirm', async () => {
    h = await startUitdHarness()
    const sim = await h.simulator()
    const tag = sim.now()
    const outcome = await sim.send(REPORTS['call-point-fire'](tag, 12))
    expect(outcome).toMatchObject({ result: 'confirmed', attempts: 1 })
    expect(h.events.componentStatus).toHaveLength(1)
    const [uitd, component, flags, description, at] = h.events.componentStatus[0]!
    expect(uitd).toEqual(KNOWN_UITD.identity)
    expect(component).toEqual({ systemType: 1, systemAddress: 1, partType: 23, partAddress: 0x0001000c })
    expect(flags).toMatchObject({ fire: true, normal: true, fault: false })
    expect(description).toBe('12F 手动火灾报警按钮')
    expect(at).toBe(timeTagToEpochMs(tag, 'Asia/Shanghai'))
    expect(h.events.uitdSeen.map((e) => e[0])).toEqual([KNOWN_UITD.identity])
  })

  it('When the same frame arrives twice, then it is delivered once and confirmed twice', async () => {
    h = await startUitdHarness()
    const sim = await h.simulator()
    const bytes = sim.build(REPORTS['water-flow'](sim.now(), 20))
    const parsed = decodeFrame(bytes)
    if (!parsed.ok) throw new Error(parsed.detail)
    sim.sendRaw(bytes)
    sim.sendRaw(bytes)
    await waitFor('two confirms', () => sim.confirms.get(parsed.frame.serial) === 2)
    expect(h.events.componentStatus).toHaveLength(1)
    expect(h.events.componentStatus[0]![2]).toMatchObject({ feedback: true })
    expect(await h.metricsText()).toMatch(/firewatch_uitd_duplicates_total\{uitd="ta-uitd-01"\} 1/)
  })

  it('When a new connection starts its serials at 0 again with other data, then that frame is delivered', async () => {
    h = await startUitdHarness()
    const first = await h.simulator()
    expect((await first.send(REPORTS.fault(first.now()))).serial).toBe(0)
    await first.close()
    const second = await h.simulator()
    const outcome = await second.send(REPORTS['call-point-fire'](second.now()))
    expect(outcome).toMatchObject({ result: 'confirmed', serial: 0 })
    expect(h.events.componentStatus.map((e) => (e[2] as { fire: boolean }).fire)).toEqual([false, true])
  })

  it('When the centre never confirms, then the simulator sends the same frame again, up to its retries', async () => {
    const seen: Buffer[] = []
    const server = net.createServer((socket) => {
      const decoder = new StreamDecoder()
      socket.on('data', (chunk) => {
        for (const r of decoder.push(chunk)) if (r.ok) seen.push(r.raw)
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { UitdSimulator } = await import('../../simulators/uitd/uitd-simulator.ts')
    const sim = await UitdSimulator.connect({
      host: '127.0.0.1',
      port: (server.address() as net.AddressInfo).port,
      address: KNOWN_UITD.address,
      retransmit: { timeoutMs: 50, retries: 2 },
    })
    try {
      const outcome = await sim.send(REPORTS['pump-start'](sim.now()))
      expect(outcome).toMatchObject({ result: 'unanswered', attempts: 3 })
      expect(seen).toHaveLength(3)
      expect(new Set(seen.map((f) => f.toString('hex'))).size).toBe(1)
    } finally {
      await sim.close()
      await new Promise((r) => server.close(r))
    }
  })

  it('When a sink fails, then the frame is denied, the UITD retransmits, and the retransmission is delivered', async () => {
    let calls = 0
    h = await startUitdHarness({
      sinks: {
        componentStatus: () => {
          if (++calls === 1) throw new Error('store is down')
        },
      },
    })
    const sim = await h.simulator({ retransmit: { timeoutMs: 2_000, retries: 3 } })
    const outcome = await sim.send(REPORTS['call-point-fire'](sim.now()))
    expect(outcome).toMatchObject({ result: 'confirmed', attempts: 2 })
    expect(calls).toBe(2)
    expect(await h.metricsText()).toMatch(
      /firewatch_uitd_denials_total\{uitd="ta-uitd-01",reason="sink-error"\} 1/,
    )
  })

  it('When a patrol check is answered with the patrol key, then patrolAnswered gets the operator', async () => {
    h = await startUitdHarness({ patrol: { everyMs: 3_600_000, deadlineMs: 10_000 } })
    const sim = await h.simulator({ answerPatrol: { delayMs: 0, operator: 7 } })
    await sim.heartbeat()
    expect(h.listener.patrol(KNOWN_UITD.identity.id)).toBe('sent')
    await waitFor('patrol answered', () => h!.events.patrolAnswered.length === 1)
    const [uitd, sentAt, answeredAt, operator] = h.events.patrolAnswered[0]!
    expect(uitd).toEqual(KNOWN_UITD.identity)
    expect(answeredAt as number).toBeGreaterThanOrEqual(sentAt as number)
    expect(operator).toBe(7)
    expect(h.events.patrolMissed).toEqual([])
    const patrol = sim.received.find((r) => r.unit?.kind === 'patrol')
    expect(patrol?.frame.command).toBe(Command.control)
    expect(patrol?.unit).toEqual({ kind: 'patrol', objects: [{ reserved: 0 }] })
  })

  it('When a patrol check gets no answer before its deadline, then patrolMissed says no-answer', async () => {
    h = await startUitdHarness({ patrol: { everyMs: 3_600_000, deadlineMs: 200 } })
    const sim = await h.simulator({ answerPatrol: false })
    await sim.heartbeat()
    expect(h.listener.patrol(KNOWN_UITD.identity.id)).toBe('sent')
    await waitFor('patrol missed', () => h!.events.patrolMissed.length === 1)
    expect(h.events.patrolMissed[0]![2]).toBe('no-answer')
    expect(h.events.patrolAnswered).toEqual([])
    expect(await h.metricsText()).toMatch(
      /firewatch_uitd_patrols_total\{uitd="ta-uitd-01",outcome="missed"\} 1/,
    )
  })

  it('When a UITD whose address is not allowed sends a frame, then it is denied, disconnected and counted', async () => {
    h = await startUitdHarness()
    const sim = await h.simulator({ address: 999, retransmit: { timeoutMs: 2_000, retries: 0 } })
    const outcome = await sim.send(REPORTS['call-point-fire'](sim.now()))
    expect(outcome.result).toBe('denied')
    await waitFor('disconnected', () => !sim.open)
    expect(h.events.refused).toEqual([[999, '127.0.0.1']])
    expect(h.events.componentStatus).toEqual([])
    expect(await h.metricsText()).toMatch(/firewatch_uitd_refused_total\{reason="not-allowed"\} 1/)
    expect(h.logs.some((l) => l.obj.code === 'FGW_ERR_UITD_NOT_ALLOWED')).toBe(true)
  })

  it('When a UITD connects, then its clock is set to the gateway clock in its time zone', async () => {
    const gatewayNow = Date.parse('2026-03-01T04:05:06Z')
    h = await startUitdHarness({
      clock: { now: () => gatewayNow },
      timeSync: { onConnect: true, everyMs: 0, layout: 'time' },
    })
    const sim = await h.simulator()
    await sim.heartbeat()
    await waitFor('clock sync', () => sim.received.some((r) => r.unit?.kind === 'syncUitdClock'))
    const sync = sim.received.find((r) => r.unit?.kind === 'syncUitdClock')!
    expect(sync.frame).toMatchObject({
      command: Command.control,
      source: CENTRE,
      destination: KNOWN_UITD.address,
    })
    expect(sync.unit).toEqual({
      kind: 'syncUitdClock',
      objects: [{ clock: { second: 6, minute: 5, hour: 12, day: 1, month: 3, year: 2026 } }],
    })
    await waitFor('time sync confirmed', async () =>
      /firewatch_uitd_commands_total\{uitd="ta-uitd-01",kind="time-sync",result="confirmed"\} 1/.test(
        await h!.metricsText(),
      ),
    )
    // The simulated UITD now runs on the gateway's clock.
    expect(timeTagToEpochMs(sim.now(), 'Asia/Shanghai')! - gatewayNow).toBeLessThan(5_000)
  })

  it('When a UITD falls silent past the timeout, then uitdSilent, and when it speaks again, uitdSeen', async () => {
    h = await startUitdHarness({ silenceTimeoutMs: 150 })
    const sim = await h.simulator()
    expect(await sim.heartbeat()).toMatchObject({ result: 'confirmed' })
    await waitFor('silent', () => h!.events.uitdSilent.length === 1)
    expect(h.events.uitdSilent[0]![0]).toEqual(KNOWN_UITD.identity)
    expect(await h.metricsText()).toMatch(/firewatch_uitd_silent\{uitd="ta-uitd-01"\} 1/)
    await sim.heartbeat()
    await waitFor('seen again', () => h!.events.uitdSeen.length === 2)
    expect(await h.metricsText()).toMatch(/firewatch_uitd_heartbeats_total\{uitd="ta-uitd-01"\} 2/)
  })

  it('When a UITD sends a bare confirm as its heartbeat, then it is counted and confirmed back', async () => {
    h = await startUitdHarness()
    const sim = await h.simulator({ heartbeat: { everyMs: 3_600_000, as: 'confirm' } })
    expect(await sim.heartbeat()).toBeNull()
    await waitFor('confirm of the heartbeat', () => sim.confirms.get(0) === 1)
    expect(await h.metricsText()).toMatch(/firewatch_uitd_heartbeats_total\{uitd="ta-uitd-01"\} 1/)
  })

  it('When connections stay quiet or never send a valid frame, then they are closed and counted by reason', async () => {
    h = await startUitdHarness({ idleTimeoutMs: 100, identifyTimeoutMs: 60_000 })
    const quiet = net.connect(h.listener.port, '127.0.0.1')
    await new Promise((resolve) => quiet.once('close', resolve))
    expect(await h.metricsText()).toMatch(/firewatch_uitd_closed_total\{reason="idle"\} 1/)
    await h.stop()
    h = await startUitdHarness({ idleTimeoutMs: 60_000, identifyTimeoutMs: 100 })
    const chatty = net.connect(h.listener.port, '127.0.0.1')
    // Bytes keep the connection from idling, but none is a frame.
    const timer = setInterval(() => chatty.write('noise'), 20)
    await new Promise((resolve) => chatty.once('close', resolve))
    clearInterval(timer)
    const text = await h.metricsText()
    expect(text).toMatch(/firewatch_uitd_closed_total\{reason="identify-timeout"\} 1/)
    expect(text).toMatch(/firewatch_uitd_refused_total\{reason="identify-timeout"\} 1/)
    expect(text).toMatch(/firewatch_uitd_bad_frames_total\{uitd="unidentified",reason="garbage"\} \d+/)
  })

  it('When more connections come than UITD_MAX_CONNECTIONS, then the extra one is closed and counted', async () => {
    h = await startUitdHarness({ maxConnections: 1 })
    const first = await h.simulator()
    expect(await first.heartbeat()).toMatchObject({ result: 'confirmed' })
    const extra = net.connect(h.listener.port, '127.0.0.1')
    await new Promise((resolve) => extra.once('close', resolve))
    expect(await h.metricsText()).toMatch(/firewatch_uitd_refused_total\{reason="max-connections"\} 1/)
    expect(await first.heartbeat()).toMatchObject({ result: 'confirmed' })
  })

  it('When frames are bad, then each is counted by reason and the ones with a header are denied', async () => {
    h = await startUitdHarness()
    const sim = await h.simulator()
    await sim.heartbeat()
    const good = sim.build(REPORTS.fault(sim.now()))
    const badSum = Buffer.from(good)
    badSum[badSum.length - 3] = (badSum[badSum.length - 3]! + 1) & 0xff
    const parsed = decodeFrame(good)
    if (!parsed.ok) throw new Error(parsed.detail)
    const unknownType = encodeFrame({ ...parsed.frame, serial: 77, data: Uint8Array.of(200, 1, 5) })
    sim.sendRaw(Buffer.concat([Buffer.from('junk'), badSum, unknownType]))
    await waitFor(
      'two denies',
      () => sim.received.filter((r) => r.frame.command === Command.deny).length === 2,
    )
    const text = await h.metricsText()
    expect(text).toMatch(/firewatch_uitd_checksum_errors_total\{uitd="ta-uitd-01"\} 1/)
    expect(text).toMatch(/firewatch_uitd_denials_total\{uitd="ta-uitd-01",reason="unknown-type"\} 1/)
    expect(text).toMatch(/firewatch_uitd_bad_frames_total\{uitd="ta-uitd-01",reason="garbage"\} \d/)
    expect(h.events.componentStatus).toEqual([])
  })

  it('When the listener runs TLS with client certificates, then a UITD with one is confirmed and one without is not', async () => {
    const ca = createTestCa()
    try {
      h = await startUitdHarness({
        tls: {
          key: ca.pem(ca.server.key),
          cert: ca.pem(ca.server.cert),
          ca: ca.pem(ca.caFile),
          requestCert: true,
        },
      })
      const device = ca.client('ta-uitd-01')
      const trusted = { ca: ca.pem(ca.caFile), servername: 'localhost' }
      const sim = await h.simulator({
        tls: { ...trusted, key: ca.pem(device.key), cert: ca.pem(device.cert) },
      })
      expect(await sim.send(REPORTS['call-point-fire'](sim.now()))).toMatchObject({ result: 'confirmed' })
      expect(h.events.componentStatus).toHaveLength(1)
      const anonymous = await h
        .simulator({ tls: trusted, retransmit: { timeoutMs: 200, retries: 0 } })
        .catch(() => null)
      const outcome = anonymous ? await anonymous.send(REPORTS.fault(anonymous.now())) : { result: 'closed' }
      expect(['closed', 'unanswered']).toContain(outcome.result)
      expect(h.events.componentStatus).toHaveLength(1)
    } finally {
      ca.remove()
    }
  })
})
