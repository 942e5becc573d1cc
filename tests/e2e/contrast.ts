import type { Page } from 'playwright-core'

export interface LowContrast {
  text: string
  colour: string
  background: string
  ratio: number
}

/**
 * Every visible text on the page whose contrast with what is behind it is under `min` (WCAG 2
 * relative luminance). Behind = the nearest background colour up the tree (semi-transparent ones
 * laid over the next), or each colour of a background gradient (the hatched "unknown"), the worst
 * of them counting. Opacity of the element and its ancestors fades the text into it.
 */
export function lowContrastTexts(page: Page, min = 4.5): Promise<LowContrast[]> {
  return page.evaluate((minimum) => {
    type Rgba = [number, number, number, number]
    const parse = (c: string): Rgba => {
      const n = (c.match(/[\d.]+/g) ?? []).map(Number)
      return [n[0] ?? 0, n[1] ?? 0, n[2] ?? 0, n[3] ?? 1]
    }
    const over = (top: Rgba, below: Rgba): Rgba => {
      const a = top[3]
      return [0, 1, 2].map((i) => top[i]! * a + below[i]! * (1 - a)).concat(1) as Rgba
    }
    const luminance = (c: Rgba) => {
      const [r, g, b] = c.slice(0, 3).map((v) => {
        const s = v / 255
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4
      })
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!
    }
    const ratio = (a: Rgba, b: Rgba) => {
      const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p)
      return (x! + 0.05) / (y! + 0.05)
    }
    /** The colours that may be behind an element: one flat colour, or every stop of a gradient. */
    const backgrounds = (el: Element | null): Rgba[] => {
      if (!el) return [parse(getComputedStyle(document.documentElement).backgroundColor)]
      const s = getComputedStyle(el)
      if (s.backgroundImage !== 'none') {
        const stops = s.backgroundImage.match(/rgba?\([^)]+\)/g)
        if (stops) return stops.map((c) => parse(c))
      }
      const colour = parse(s.backgroundColor)
      if (colour[3] === 0) return backgrounds(el.parentElement)
      if (colour[3] === 1) return [colour]
      return backgrounds(el.parentElement).map((below) => over(colour, below))
    }
    const opacity = (el: Element | null): number =>
      el ? Number(getComputedStyle(el).opacity) * opacity(el.parentElement) : 1
    const low: { text: string; colour: string; background: string; ratio: number }[] = []
    for (const el of document.body.querySelectorAll('*')) {
      const own = [...el.childNodes].some(
        (n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim() !== '',
      )
      if (!own || el.tagName === 'OPTION' || !el.checkVisibility({ visibilityProperty: true })) continue
      const fg = parse(getComputedStyle(el).color)
      fg[3] *= opacity(el)
      for (const bg of backgrounds(el)) {
        const r = ratio(over(fg, bg), bg)
        if (r >= minimum) continue
        const text = (el.textContent ?? '').trim().slice(0, 40)
        low.push({
          text,
          colour: getComputedStyle(el).color,
          background: `rgb(${bg.slice(0, 3).join(', ')})`,
          ratio: Math.round(r * 100) / 100,
        })
      }
    }
    return low
  }, min)
}
