import { tone } from './tones.ts'

/** A fire sounds every 8 s until it is acknowledged or silenced here: impossible to miss. */
const FIRE_REPEAT_MS = 8000
/** The fault tone waits out a blip (a gateway restart, a proxy's idle cut), then repeats slowly. */
const FAULT_GRACE_MS = 5000
const FAULT_REPEAT_MS = 30_000

export type Sounding = 'fire' | 'fault' | null

/**
 * The console's sounder. Browsers refuse audio until the user interacts with the page, so it is
 * *armed* by the first click, tap or key press (and re-armed by the next one if the browser ever
 * suspends it); until then the page says, in a bar that never goes away, that the sound is off.
 * Arming lives as long as the page: moving between the wall and a building keeps it.
 *
 * Silence is local: it stops the sound of the alarms sounding now on this console only. A fire
 * that comes later sounds again; the alarm itself stays unacknowledged until a person takes it.
 */
export class Sounder {
  private context: AudioContext | null = null
  private fires = new Set<string>()
  private readonly silencedFires = new Set<string>()
  /** Lost for longer than the grace: only then does the fault sound (and the bar say so). */
  private fault = false
  private faultGrace: number | null = null
  private faultSilenced = false
  private fireTimer: number | null = null
  private faultTimer: number | null = null

  constructor(private readonly changed: () => void) {}

  /** Tries at once (a browser may allow it), then on every user gesture until it is running. */
  start(): void {
    const arm = (): void => this.arm()
    for (const type of ['pointerdown', 'pointerup', 'keydown', 'click'])
      window.addEventListener(type, arm, { capture: true, passive: true })
    this.arm()
  }

  get armed(): boolean {
    return this.context?.state === 'running'
  }

  /** What would sound now (whether or not the browser lets it). */
  get sounding(): Sounding {
    if ([...this.fires].some((id) => !this.silencedFires.has(id))) return 'fire'
    return this.fault && !this.faultSilenced ? 'fault' : null
  }

  /**
   * What still needs attention although this console was silenced: a fire (still to be
   * acknowledged by a person) before a lost connection (which nobody can acknowledge).
   */
  get silenced(): Sounding {
    if (this.sounding !== null) return null
    if (this.fires.size > 0) return 'fire'
    return this.fault ? 'fault' : null
  }

  /** The unacknowledged fire alarms, by id. */
  setFires(ids: Iterable<string>): void {
    this.fires = new Set(ids)
    // An alarm that was acknowledged and fires again must sound again.
    for (const id of this.silencedFires) if (!this.fires.has(id)) this.silencedFires.delete(id)
    this.update()
  }

  /** The connection to the gateway is lost (true) or back (false). */
  setFault(lost: boolean): void {
    if (lost && (this.fault || this.faultGrace !== null)) return
    this.faultGrace = clear(this.faultGrace)
    this.faultSilenced = false
    this.fault = false
    if (lost) {
      this.faultGrace = window.setTimeout(() => {
        this.faultGrace = null
        this.fault = true
        this.update()
      }, FAULT_GRACE_MS)
    }
    this.update()
  }

  silence(): void {
    for (const id of this.fires) this.silencedFires.add(id)
    if (this.fault) this.faultSilenced = true
    this.update()
  }

  /** One round of the fire pattern, for checking the speakers. */
  test(): void {
    this.play('fire')
  }

  private arm(): void {
    if (this.armed) return
    try {
      if (!this.context) {
        this.context = new AudioContext()
        this.context.addEventListener('statechange', () => {
          if (this.armed) this.play('armed')
          this.changed()
        })
      }
      if (this.context.state !== 'running') this.context.resume().catch(() => {})
    } catch {
      // No Web Audio here: the bar keeps saying the sound is off.
    }
  }

  private update(): void {
    const now = this.sounding
    if (now !== 'fire') this.fireTimer = clear(this.fireTimer)
    if (now !== 'fault') this.faultTimer = clear(this.faultTimer)
    if (now === 'fire' && this.fireTimer === null) {
      this.play('fire')
      this.fireTimer = window.setInterval(() => this.play('fire'), FIRE_REPEAT_MS)
    }
    if (now === 'fault' && this.faultTimer === null) {
      this.play('fault')
      this.faultTimer = window.setInterval(() => this.play('fault'), FAULT_REPEAT_MS)
    }
    this.changed()
  }

  private play(kind: 'fire' | 'fault' | 'armed'): void {
    if (this.context && this.armed) tone(this.context, kind)
  }
}

function clear(timer: number | null): null {
  if (timer !== null) {
    window.clearTimeout(timer)
    window.clearInterval(timer)
  }
  return null
}
