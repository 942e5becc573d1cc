import type { Contact, SiteFile } from '../../ingest/index.ts'
import type { Catalogue } from './catalogue.ts'
import { en } from './catalogue-en.ts'
import { zhCN } from './catalogue-zh-cn.ts'
import type { Locale } from './locale.ts'

export const CATALOGUES: Readonly<Record<Locale, Catalogue>> = { en, 'zh-CN': zhCN }

export function messagesFor(locale: Locale): Catalogue {
  return CATALOGUES[locale]
}

/** The title of a rule in the catalogue's language; an id unknown to it stands for itself. */
export function ruleTitle(m: Catalogue, rule: string): string {
  return (m.ruleTitles as Readonly<Record<string, string | undefined>>)[rule] ?? rule
}

// The site file lists the locales itself (ingest/ may not import alerting/); these lines fail to
// compile when either schema and LOCALES disagree, in either direction.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const _siteLocales: Same<SiteFile['site']['locale'], Locale> = true
const _contactLocales: Same<NonNullable<Contact['locale']>, Locale> = true
void _siteLocales
void _contactLocales
