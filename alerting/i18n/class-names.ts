import type { AlertClass } from '../alert.ts'
import type { WallColour } from './catalogue.ts'
import { en } from './catalogue-en.ts'
import { zhCN } from './catalogue-zh-cn.ts'
import type { Locale } from './locale.ts'

// The words the wall and the manager view need, by locale, for the web bundle to import: pure
// TypeScript with no Node API, unlike messages.ts (which reaches the site schema's types only, but
// keep the browser's import graph small).

export const CLASS_NAMES: Readonly<Record<Locale, Record<AlertClass, string>>> = {
  en: en.classNames,
  'zh-CN': zhCN.classNames,
}

export const COLOUR_WORDS: Readonly<Record<Locale, Record<WallColour, string>>> = {
  en: en.colourWords,
  'zh-CN': zhCN.colourWords,
}

export const STATUS_WORDS: Readonly<Record<Locale, Record<WallColour, string>>> = {
  en: en.statusWords,
  'zh-CN': zhCN.statusWords,
}

/** Floor names by local habit: -1 is B1 / 负一层, 12 is 12F / 12层. */
export function floorName(floor: number, locale: Locale): string {
  return (locale === 'en' ? en : zhCN).floor(floor)
}
