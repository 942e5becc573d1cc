import { decodeDataUnit, encodeDataUnit, epochMsToTimeTag } from '../../ingest/gbt26875/index.ts'
import type { IngestPipeline } from '../../ingest/ingest-pipeline.ts'
import { LearnedComponents } from '../../ingest/panel/learned-components.ts'
import { PanelDirectory } from '../../ingest/panel/panel-directory.ts'
import { createPanelIngest } from '../../ingest/panel/panel-ingest.ts'
import { dispatchUnit } from '../../ingest/panel/unit-dispatch.ts'
import type { SiteModel } from '../../ingest/site/site-model.ts'
import type { PanelReport } from '../scenario/scenario-types.ts'
import { panelUnit } from '../uitd/panel-unit.ts'

/**
 * A fire panel's report in virtual time: the data unit a UITD would send is encoded, decoded again
 * (the objects the GB/T 26875.3 listener hands on) and dispatched to the same sinks as in the
 * gateway (ingest/panel/panel-ingest.ts), into the run's ingest pipeline. No TCP, no listener: its
 * confirm, de-duplication and silence watch are the live runs' business.
 */
export function virtualPanel(site: SiteModel, pipeline: IngestPipeline, maxSkewMs: number) {
  const sinks = createPanelIngest({
    site,
    directory: new PanelDirectory(site),
    learned: new LearnedComponents(),
    target: pipeline,
    maxSkewMs,
  })
  return async (report: PanelReport, now: number): Promise<void> => {
    const timeZone = report.uitd.timeZone ?? site.timezone
    const decoded = decodeDataUnit(encodeDataUnit(panelUnit(report, epochMsToTimeTag(now, timeZone))))
    if (!decoded.ok || decoded.unit.kind === 'opaque')
      throw new Error(`panel report does not encode: ${report.uitd.id}`)
    await dispatchUnit(decoded.unit, {
      uitd: { id: report.uitd.id, timeZone },
      timeZone,
      frameAt: now,
      receivedAt: now,
      sinks,
      onPatrolAnswer: () => {},
    })
  }
}
