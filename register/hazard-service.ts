import type { SiteModel } from '../ingest/site/site-model.ts'
import { type CloseOutDeps, closeOutEvidence } from './close-out.ts'
import { EvidenceFiles, type PhotoType, sniffPhoto } from './evidence-files.ts'
import type { Actor, HazardAction, HazardRow, HazardState } from './hazard.ts'
import type { HazardDesk, StepBody, StepOutcome } from './hazard-desk.ts'
import type { HazardInput } from './hazard-input.ts'
import type { HazardStore } from './hazard-store.ts'
import { evidenceJson, type HazardDetailJson, type HazardJson, hazardJson, trailJson } from './hazard-view.ts'

export interface HazardServiceDeps {
  site: SiteModel
  store: HazardStore
  desk: HazardDesk
  files: EvidenceFiles
  closeOut: CloseOutDeps
  clock: { now(): number }
  /** EVIDENCE_MAX_FILES_PER_HAZARD. */
  maxPhotos: number
  tokensOf(contact: string): readonly string[]
}

export type PhotoOutcome =
  | { added: ReturnType<typeof evidenceJson> }
  | { refused: 'type' | 'full' }
  | undefined

/**
 * The register as the HTTP API uses it: scoped to what the token may see (callers answer 404 for a
 * hazard of a building it may not), steps checked by hazard-rights.ts, evidence stored by
 * evidence-files.ts.
 */
export class HazardService {
  constructor(private readonly deps: HazardServiceDeps) {}

  /** The building of a hazard, or undefined when there is none (the route's 404 check). */
  buildingOf(id: number): string | undefined {
    return this.deps.store.get(id)?.building
  }

  list(
    actor: Actor,
    filter: { building?: string; states?: readonly HazardState[]; limit: number },
  ): HazardJson[] {
    return this.deps.store
      .list({ buildings: actor.buildings, ...filter })
      .map((row) => hazardJson(row, actor, this.deps.tokensOf))
  }

  detail(actor: Actor, id: number): HazardDetailJson | undefined {
    const row = this.deps.store.get(id)
    if (!row) return undefined
    return {
      ...hazardJson(row, actor, this.deps.tokensOf),
      evidence: this.deps.store.evidenceOf(id).map(evidenceJson),
      trail: this.deps.store.trailOf(id).map(trailJson),
    }
  }

  report(actor: Actor, input: HazardInput): HazardJson {
    const row = this.deps.desk.report(input, actor.name, this.deps.clock.now())
    return hazardJson(row, actor, this.deps.tokensOf)
  }

  /** A step; verifying a hazard linked to devices first checks that their condition held. */
  async step(
    actor: Actor,
    id: number,
    action: HazardAction,
    body: StepBody,
  ): Promise<StepOutcome | undefined> {
    const row = this.deps.store.get(id)
    if (!row) return undefined
    let held: boolean | undefined
    if (action === 'verify' && JSON.parse(row.devices).length > 0) {
      const evidence = await closeOutEvidence(this.deps.closeOut, row, this.deps.clock.now())
      this.deps.desk.system(id, this.deps.clock.now(), 'sensor', sensorNote(evidence.held), (r) => ({
        ...r,
        verification: JSON.stringify(evidence),
      }))
      held = evidence.held
    }
    const withDefaults = action === 'escalate' ? this.escalationDefaults(row, body) : body
    return this.deps.desk.step(id, action, actor, withDefaults, this.deps.clock.now(), held)
  }

  addNote(actor: Actor, id: number, note: string): ReturnType<typeof evidenceJson> | undefined {
    const now = this.deps.clock.now()
    const { store } = this.deps
    if (!store.get(id)) return undefined
    let evidenceId = 0
    this.deps.desk.system(
      id,
      now,
      'evidence',
      note,
      (r) => {
        evidenceId = store.addEvidence(evidenceRow(id, 'note', note, null, null, now, actor.name))
        return r
      },
      actor.name,
    )
    return evidenceJson(store.evidenceOf(id).find((e) => e.id === evidenceId)!)
  }

  /** A photo, typed by its bytes (the declared type must agree), stored before its row commits. */
  addPhoto(actor: Actor, id: number, bytes: Buffer, declared: string, note: string | null): PhotoOutcome {
    const { store, files } = this.deps
    if (!store.get(id)) return undefined
    const type = sniffPhoto(bytes)
    if (type === null || type !== declared) return { refused: 'type' }
    if (store.photoCount(id) >= this.deps.maxPhotos) return { refused: 'full' }
    const { file, sha256 } = files.write(id, bytes, type)
    const now = this.deps.clock.now()
    let evidenceId = 0
    this.deps.desk.system(
      id,
      now,
      'evidence',
      `photo ${sha256.slice(0, 12)}${note ? `: ${note}` : ''}`,
      (r) => {
        evidenceId = store.addEvidence({
          ...evidenceRow(id, 'photo', note, type, bytes.length, now, actor.name),
          file,
          sha256,
        })
        return r
      },
      actor.name,
    )
    return { added: evidenceJson(store.evidenceOf(id).find((e) => e.id === evidenceId)!) }
  }

  photo(id: number, evidenceId: number): { bytes: Buffer; type: string } | undefined {
    const row = this.deps.store.evidence(id, evidenceId)
    if (row?.kind !== 'photo' || row.file === null) return undefined
    return { bytes: this.deps.files.read(row.file), type: row.mime ?? 'application/octet-stream' }
  }

  private escalationDefaults(row: HazardRow, body: StepBody): StepBody {
    const { escalation } = this.deps.site.file.register
    return {
      ...body,
      level: body.level ?? escalation.level[row.severity],
      ...(body.supervisor || escalation.supervisor
        ? { supervisor: body.supervisor ?? escalation.supervisor }
        : {}),
    }
  }
}

export { EvidenceFiles, type PhotoType }

function evidenceRow(
  hazardId: number,
  kind: 'note' | 'photo',
  note: string | null,
  mime: string | null,
  bytes: number | null,
  at: number,
  by: string,
) {
  return {
    hazard_id: hazardId,
    kind,
    note,
    file: null,
    mime,
    bytes,
    sha256: null,
    added_at: at,
    added_by: by,
  }
}

export function sensorNote(held: boolean): string {
  return held ? 'linked devices held normal for the hold time' : 'linked devices have not held normal yet'
}
