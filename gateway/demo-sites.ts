import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The bundled demo sites (README "Quick start"): the same two towers, devices, secrets and tokens
 * in English and in Chinese, so every scenario of simulators/scenarios/ runs on either.
 */
export const DEMO_LOCALES = ['en', 'zh-CN'] as const
export type DemoLocale = (typeof DEMO_LOCALES)[number]

const DEMO_FILES: Record<DemoLocale, string> = {
  en: fileURLToPath(new URL('./demo-site.yaml', import.meta.url)),
  'zh-CN': fileURLToPath(new URL('./demo-site.zh-CN.yaml', import.meta.url)),
}

export function demoSiteFile(locale: DemoLocale): string {
  return DEMO_FILES[locale]
}

/**
 * True for a bundled demo site, however its path was written: demo defaults (the `log` SMS
 * provider, the tokens in the start-up banner) must never apply to a real site.
 */
export function isBundledDemoSite(file: string): boolean {
  const path = resolve(file)
  return DEMO_LOCALES.some((locale) => DEMO_FILES[locale] === path)
}
