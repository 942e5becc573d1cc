import { t } from './i18n.ts'

const FLASH_MS = 1000

type Icon = 'normal' | 'fire' | 'fireDark' | 'down'

/** Small SVG favicons as data: URLs (the wall's CSP allows `img-src data:`; no extra file). */
const ICONS: Record<Icon, { bg: string; fg: string; text: string }> = {
  normal: { bg: '#157a35', fg: '#fff', text: 'F' },
  fire: { bg: '#d7191c', fg: '#fff', text: '!' },
  fireDark: { bg: '#fff', fg: '#d7191c', text: '!' },
  down: { bg: '#5f646b', fg: '#fff', text: '×' },
}

function iconUrl(icon: Icon): string {
  const { bg, fg, text } = ICONS[icon]
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="${bg}"/>` +
    `<text x="16" y="25" font-family="sans-serif" font-size="24" font-weight="900" text-anchor="middle" fill="${fg}">${text}</text></svg>`
  return `data:image/svg+xml,${encodeURIComponent(svg)}`
}

/**
 * The browser tab tells what the page cannot show while it is behind other windows: during an
 * unacknowledged fire the title and the icon flash; with the connection lost they say so.
 */
export class TabAttention {
  private fire: string | null = null
  private down = false
  private timer: number | null = null
  private phase = false
  private readonly link: HTMLLinkElement

  constructor() {
    const existing = document.querySelector<HTMLLinkElement>('link[rel="icon"]')
    this.link = existing ?? document.createElement('link')
    this.link.rel = 'icon'
    if (!existing) document.head.append(this.link)
  }

  /** `where`: the place of the first unacknowledged fire, or null when there is none. */
  update(where: string | null, more: number, down: boolean): void {
    this.fire =
      where === null
        ? null
        : [t('title.fire', { where }), more > 0 ? t('title.more', { n: more }) : '']
            .filter((s) => s !== '')
            .join(' ')
    this.down = down
    if (this.fire !== null && this.timer === null) {
      this.timer = window.setInterval(() => {
        this.phase = !this.phase
        this.draw()
      }, FLASH_MS)
    }
    if (this.fire === null && this.timer !== null) {
      window.clearInterval(this.timer)
      this.timer = null
      this.phase = false
    }
    this.draw()
  }

  private draw(): void {
    const base = t('app.title')
    const lost = this.down ? `${t('stale.title')} · ` : ''
    let title = `${lost}${base}`
    let icon: Icon = this.down ? 'down' : 'normal'
    if (this.fire !== null) {
      // Flashing: the fire and the page's own title take turns, as do a red and a white icon.
      title = this.phase ? `${lost}${base}` : `▲ ${this.fire} · ${lost}${base}`
      icon = this.phase ? 'fireDark' : 'fire'
    }
    if (document.title !== title) document.title = title
    const href = iconUrl(icon)
    if (this.link.href !== href) this.link.href = href
    document.documentElement.dataset.attention = this.fire !== null ? 'fire' : this.down ? 'down' : ''
  }
}
