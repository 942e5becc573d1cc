// The languages Firewatch speaks (README "Languages"). ingest/site/site-schema.ts and ingest/site/notify-schema.ts list
// the same two (ingest/ may not import alerting/); catalogue.ts checks both lists agree.
export const LOCALES = ['zh-CN', 'en'] as const
export type Locale = (typeof LOCALES)[number]

export function isLocale(value: unknown): value is Locale {
  return (LOCALES as readonly unknown[]).includes(value)
}

/** A contact's own language overrides the site's. */
export function recipientLocale(contact: { locale?: Locale | undefined } | undefined, site: Locale): Locale {
  return contact?.locale ?? site
}

/**
 * The first supported language of an HTTP Accept-Language header, by q-value; null when it names
 * none. Any Chinese (zh, zh-TW, zh-Hans) gets Simplified Chinese: the only Chinese we have.
 */
export function localeFromAcceptLanguage(header: string | undefined): Locale | null {
  if (!header) return null
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';')
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
      return { tag: tag.trim().toLowerCase(), q: q ? Number(q.slice(2)) : 1, index }
    })
    .filter((r) => r.q > 0 && Number.isFinite(r.q))
    .sort((a, b) => b.q - a.q || a.index - b.index)
  for (const { tag } of ranked) {
    if (tag === 'zh' || tag.startsWith('zh-')) return 'zh-CN'
    if (tag === 'en' || tag.startsWith('en-')) return 'en'
  }
  return null
}
