import type { BlockList } from 'node:net'
import type { SiteModel } from '../site/site-model.ts'
import { type Device, PANEL_COMPONENT, type PanelComponent } from '../site/site-schema.ts'
import { ipAllowList, panelKey, type Uitd } from '../site/uitd-schema.ts'

/** Why a connection's UITD is refused: its address is not in the site, or it came from elsewhere. */
export type UitdRefusal = 'unknown-address' | 'ip-not-allowed'

/**
 * The site's UITDs and panel components, looked up the way frames name them: a UITD by its source
 * address (and the IP it connects from), a component by UITD, system and part address.
 */
export class PanelDirectory {
  private readonly byAddress = new Map<number, Uitd>()
  private readonly allowed = new Map<string, BlockList>()
  private readonly components = new Map<string, PanelComponent>()

  constructor(readonly site: SiteModel) {
    for (const u of site.uitds) {
      this.byAddress.set(u.address, u)
      if (u.allowFrom) this.allowed.set(u.id, ipAllowList(u.allowFrom))
    }
    for (const d of site.devices) {
      if (isPanelComponent(d)) this.components.set(panelKey(d.panel.uitd, d.panel), d)
    }
  }

  /** The UITD a connection names by its first frame, or why it is refused. */
  identify(address: number, remoteIp: string): { uitd: Uitd } | { refused: UitdRefusal } {
    const uitd = this.byAddress.get(address)
    if (!uitd) return { refused: 'unknown-address' }
    const list = this.allowed.get(uitd.id)
    if (list && !allows(list, remoteIp)) return { refused: 'ip-not-allowed' }
    return { uitd }
  }

  /** The site device at this panel address of the UITD; undefined when the site does not declare it. */
  component(
    uitd: string,
    at: { systemType: number; systemAddress: number; partAddress: number },
  ): PanelComponent | undefined {
    return this.components.get(panelKey(uitd, at))
  }

  componentsOf(uitd: string): PanelComponent[] {
    return [...this.components.values()].filter((c) => c.panel.uitd === uitd)
  }
}

export function isPanelComponent(d: Device): d is PanelComponent {
  return d.kind === PANEL_COMPONENT
}

function allows(list: BlockList, ip: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1]
  const v4 = mapped ?? ip
  if (/^\d+\.\d+\.\d+\.\d+$/.test(v4)) return list.check(v4, 'ipv4')
  return list.check(ip, 'ipv6')
}
