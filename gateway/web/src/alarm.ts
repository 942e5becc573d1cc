/**
 * The audible alarm. Browsers refuse to start audio before the user has interacted with the page,
 * so the AudioContext is created on the first gesture; until then the header asks for a click.
 */
export class Alarm {
  private context: AudioContext | null = null
  private repeat: number | null = null

  constructor(private readonly onEnabled: () => void) {
    const enable = (): void => {
      if (this.context) return
      this.context = new AudioContext()
      this.onEnabled()
    }
    window.addEventListener('pointerdown', enable, { once: true })
    window.addEventListener('keydown', enable, { once: true })
  }

  /** Sounding repeats every 8 s while any fire alarm is unacknowledged: impossible to miss. */
  sound(active: boolean): void {
    if (!active) {
      if (this.repeat !== null) window.clearInterval(this.repeat)
      this.repeat = null
      return
    }
    if (this.repeat !== null) return
    this.beep()
    this.repeat = window.setInterval(() => this.beep(), 8000)
  }

  private beep(): void {
    const ctx = this.context
    if (!ctx) return
    // Three two-tone pulses, like a fire panel's sounder.
    for (let i = 0; i < 3; i++) {
      const start = ctx.currentTime + i * 0.5
      const osc = ctx.createOscillator()
      const gain = ctx.createGain()
      osc.type = 'square'
      osc.frequency.setValueAtTime(880, start)
      osc.frequency.setValueAtTime(660, start + 0.2)
      gain.gain.setValueAtTime(0.15, start)
      gain.gain.setValueAtTime(0, start + 0.4)
      osc.connect(gain).connect(ctx.destination)
      osc.start(start)
      osc.stop(start + 0.4)
    }
  }
}
