import type { Incident } from '../../../alerting/incidents/incident.ts'
import { ActionRunner } from './action-runner.ts'
import { ackIncident } from './api.ts'
import { h } from './dom.ts'
import { PartialFailure } from './failure.ts'
import { t } from './i18n.ts'

/** Requests in flight at once: a flood of 200 must not hit the gateway as 200 at once. */
const PARALLEL = 4
/** A building's offline incidents get their own button from this many on (one has its own row). */
const FLOOD = 2

/**
 * Acknowledging an offline flood: the incidents ticked in the list, or every unacknowledged
 * offline incident of a building at once (a floor losing power makes one incident per floor and
 * one per stray device). Fires are never acknowledged in bulk: each is looked at on its own.
 * A partial failure says how many failed and why; Retry sends only those again.
 */
export class BulkAck {
  readonly el = h('div', { class: 'bulk', role: 'group' })
  readonly selected = new Set<string>()
  private readonly runner = new ActionRunner('action.failed.bulk')
  private readonly ackSelected = h('button', { type: 'button', class: 'bulk-selected' })
  private readonly perBuilding = new Map<string, HTMLButtonElement>()
  private readonly buttons = h('span', { class: 'bulk-buttons' })

  constructor(private readonly done: () => void) {
    this.ackSelected.addEventListener('click', () => this.ack(this.ackSelected, [...this.selected]))
    this.el.append(this.buttons, this.runner.error)
  }

  /** The open, non-fire incidents may be chosen; the buttons follow what there is to take. */
  render(incidents: Incident[], buildingName: (id: string) => string): void {
    const open = new Set(incidents.filter(selectable).map((i) => i.id))
    for (const id of this.selected) if (!open.has(id)) this.selected.delete(id)
    this.ackSelected.textContent = t('alarms.ackSelected', { n: this.selected.size })
    this.ackSelected.disabled = this.selected.size === 0
    const floods = offlineByBuilding(incidents)
    const shown: HTMLElement[] = open.size > 0 ? [this.ackSelected] : []
    for (const [building, ids] of floods) {
      let button = this.perBuilding.get(building)
      if (!button) {
        const b = h('button', { type: 'button', class: 'bulk-building', 'data-building': building })
        b.addEventListener('click', () => this.ack(b, this.floodOf(b)))
        this.perBuilding.set(building, b)
        button = b
      }
      button.dataset.incidents = ids.join(',')
      button.textContent = t('alarms.ackBuildingOffline', { n: ids.length, building: buildingName(building) })
      shown.push(button)
    }
    for (const building of this.perBuilding.keys())
      if (!floods.has(building)) this.perBuilding.delete(building)
    const same =
      shown.length === this.buttons.children.length && shown.every((b, i) => this.buttons.children[i] === b)
    if (!same) this.buttons.replaceChildren(...shown)
    this.el.hidden = shown.length === 0 && this.runner.error.hidden
  }

  private floodOf(button: HTMLElement): string[] {
    return (button.dataset.incidents ?? '').split(',').filter((id) => id !== '')
  }

  private ack(button: HTMLButtonElement, ids: string[]): void {
    let pending = ids
    const request = async (): Promise<void> => {
      const failures = await ackEach(pending)
      const total = pending.length
      pending = failures.map((f) => f.id)
      if (failures.length > 0) throw new PartialFailure(failures.length, total, failures[0]!.err)
    }
    this.runner.run(button, request, () => {
      for (const id of ids) this.selected.delete(id)
      this.done()
    })
  }
}

export function selectable(i: Incident): boolean {
  return i.state === 'open' && i.class !== 'fire'
}

/** Buildings with an offline flood: their unacknowledged offline incidents, oldest first. */
function offlineByBuilding(incidents: Incident[]): Map<string, string[]> {
  const by = new Map<string, string[]>()
  for (const i of incidents) {
    if (i.class !== 'offline' || i.state !== 'open') continue
    by.set(i.building, [...(by.get(i.building) ?? []), i.id])
  }
  for (const [building, ids] of by) if (ids.length < FLOOD) by.delete(building)
  return by
}

/** Acknowledges each, a few at a time; the ones that failed, with why. */
async function ackEach(ids: string[]): Promise<{ id: string; err: unknown }[]> {
  const failures: { id: string; err: unknown }[] = []
  const queue = [...ids]
  const worker = async (): Promise<void> => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      try {
        await ackIncident(id, '')
      } catch (err) {
        failures.push({ id, err })
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(PARALLEL, ids.length) }, worker))
  return failures
}
