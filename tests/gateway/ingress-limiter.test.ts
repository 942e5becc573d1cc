import { describe, expect, it } from 'vitest'
import { IngressLimiter } from '../../gateway/mqtt/handlers/ingress-limiter.ts'

class StepClock {
  constructor(public ms = 1_000_000) {}
  now(): number {
    return this.ms
  }
}

describe('Ingress limiter', () => {
  it('When the budget is spent, then later messages wait in order and run as the budget refills', async () => {
    const clock = new StepClock()
    let delayed = 0
    const limiter = new IngressLimiter(100, clock, (reason) => {
      expect(reason).toBe('rate')
      delayed++
    })
    // The bucket holds 100 ms of budget: 10 messages at 100/s.
    let immediate = 0
    while (limiter.tryTake()) immediate++
    expect(immediate).toBe(10)
    const ran: number[] = []
    for (let i = 0; i < 5; i++) limiter.enqueue(() => ran.push(i))
    expect(delayed).toBe(5)
    expect(limiter.queued).toBe(5)
    clock.ms += 30 // 3 tokens
    await new Promise((r) => setTimeout(r, 20))
    expect(ran).toEqual([0, 1, 2])
    // While anything waits, nobody may overtake it, even with budget available.
    clock.ms += 100
    expect(limiter.tryTake()).toBe(false)
    await new Promise((r) => setTimeout(r, 20))
    expect(ran).toEqual([0, 1, 2, 3, 4])
    expect(limiter.queued).toBe(0)
    expect(limiter.tryTake()).toBe(true)
    limiter.close()
  })

  it('When more telemetry comes in one event-loop turn than its share, then the rest runs a share per later turn, in order', async () => {
    const reasons: string[] = []
    const limiter = new IngressLimiter(1_000_000, new StepClock(), (reason) => reasons.push(reason), 3)
    let now = 0
    while (limiter.tryTake()) now++
    expect(now).toBe(3)
    const ran: number[] = []
    for (let i = 0; i < 7; i++) limiter.enqueue(() => ran.push(i))
    expect(reasons).toEqual(Array(7).fill('turn'))
    expect(ran).toEqual([])
    // Each check phase runs one share; the poll between two of them reads the sockets again, so an
    // alarm that arrived meanwhile is handled before the remaining readings.
    const nextTurn = () => new Promise((r) => setImmediate(r))
    await nextTurn()
    expect(ran).toEqual([0, 1, 2])
    expect(limiter.tryTake()).toBe(false)
    await nextTurn()
    expect(ran).toEqual([0, 1, 2, 3, 4, 5])
    await nextTurn()
    expect(ran).toEqual([0, 1, 2, 3, 4, 5, 6])
    expect(limiter.queued).toBe(0)
    await nextTurn()
    expect(limiter.tryTake()).toBe(true)
    limiter.close()
  })

  it('When the limiter closes, then every waiting message runs (nothing acknowledged is lost)', () => {
    const limiter = new IngressLimiter(10, new StepClock(), () => {})
    while (limiter.tryTake());
    const ran: number[] = []
    for (let i = 0; i < 3; i++) limiter.enqueue(() => ran.push(i))
    limiter.close()
    expect(ran).toEqual([0, 1, 2])
  })
})
