/** Counts of what happened to each class of input, and the findings (anything that is a bug). */
export class FuzzReport {
  readonly findings: string[] = []
  private readonly sections = new Map<
    string,
    { outcomes: Map<string, number>; notes: Map<string, number>; started: number; ended: number }
  >()

  section(name: string) {
    const s = {
      outcomes: new Map<string, number>(),
      notes: new Map<string, number>(),
      started: performance.now(),
      ended: 0,
    }
    this.sections.set(name, s)
    const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1)
    return {
      count: (outcome: string) => {
        bump(s.outcomes, outcome)
        s.ended = performance.now()
      },
      note: (what: string) => bump(s.notes, what),
      finding: (what: string) => this.finding(`${name}: ${what}`),
    }
  }

  private counterLines: string[] = []

  /** Lines of the gateway's /metrics to print under the sections. */
  counters(lines: string[]): void {
    this.counterLines = lines
  }

  finding(what: string): void {
    // The first few of a kind tell the story; thousands would drown it.
    if (this.findings.length < 50) this.findings.push(what)
    else if (this.findings.length === 50) this.findings.push('… more findings left out')
  }

  get inputs(): number {
    let n = 0
    for (const s of this.sections.values()) for (const v of s.outcomes.values()) n += v
    return n
  }

  format(seed: number, seconds: number): string {
    const lines = [
      `fuzz run, seed ${seed}: ${this.inputs.toLocaleString('en')} inputs in ${seconds.toFixed(1)} s`,
    ]
    for (const [name, s] of this.sections) {
      const total = [...s.outcomes.values()].reduce((a, b) => a + b, 0)
      const seconds = ((s.ended - s.started) / 1000).toFixed(1)
      lines.push(`  ${name}: ${total.toLocaleString('en')} in ${seconds} s`)
      for (const [k, v] of [...s.outcomes].sort((a, b) => b[1] - a[1]))
        lines.push(`      ${String(v).padStart(7)}  ${k}`)
      for (const [k, v] of [...s.notes].sort((a, b) => b[1] - a[1]))
        lines.push(`      ${String(v).padStart(7)}  (${k})`)
    }
    if (this.counterLines.length > 0) {
      lines.push(
        '  (device told …) = answers on fw/{b}/{d}/error, rate-limited per device and code; the counters see all:',
      )
      for (const c of this.counterLines) lines.push(`      ${c}`)
    }
    lines.push(this.findings.length === 0 ? 'findings: none' : `findings (${this.findings.length}):`)
    for (const f of this.findings) lines.push(`  - ${f}`)
    return lines.join('\n')
  }
}
