/** A pulse: frequencies switch at the given offsets (s); `length` is when it stops. */
interface Pulse {
  at: number
  steps: [number, number][]
  length: number
}

/**
 * The three sounds of the console, told apart by ear without looking:
 * - fire: three loud two-tone pulses (880 / 660 Hz square), like a fire panel's sounder;
 * - fault (connection lost): two low, soft beeps (440 Hz sine), like a panel's trouble buzzer;
 * - armed: one short, quiet chirp, so that whoever armed the sound hears that it works.
 */
const SOUNDS: Record<'fire' | 'fault' | 'armed', { wave: OscillatorType; gain: number; pulses: Pulse[] }> = {
  fire: {
    wave: 'square',
    gain: 0.15,
    pulses: [0, 0.5, 1].map((at) => ({
      at,
      steps: [
        [0, 880],
        [0.2, 660],
      ],
      length: 0.4,
    })),
  },
  fault: {
    wave: 'sine',
    gain: 0.2,
    pulses: [0, 0.4].map((at) => ({ at, steps: [[0, 440]], length: 0.25 })),
  },
  armed: { wave: 'sine', gain: 0.05, pulses: [{ at: 0, steps: [[0, 1320]], length: 0.08 }] },
}

export function tone(ctx: AudioContext, kind: keyof typeof SOUNDS): void {
  const sound = SOUNDS[kind]
  for (const p of sound.pulses) {
    const start = ctx.currentTime + p.at
    const osc = ctx.createOscillator()
    const gain = ctx.createGain()
    osc.type = sound.wave
    for (const [offset, hz] of p.steps) osc.frequency.setValueAtTime(hz, start + offset)
    gain.gain.setValueAtTime(sound.gain, start)
    gain.gain.setValueAtTime(0, start + p.length)
    osc.connect(gain).connect(ctx.destination)
    osc.start(start)
    osc.stop(start + p.length)
  }
}
