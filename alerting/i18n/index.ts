// Simplified Chinese and English for everything a person reads (README "Languages").
export type { Catalogue, HttpErrorCode, RuleId, WallColour } from './catalogue.ts'
export { HTTP_ERROR_CODES, RULE_IDS, WALL_COLOURS } from './catalogue.ts'
export { CLASS_NAMES, COLOUR_WORDS, floorName, STATUS_WORDS } from './class-names.ts'
export { isLocale, LOCALES, type Locale, localeFromAcceptLanguage, recipientLocale } from './locale.ts'
export { CATALOGUES, messagesFor, ruleTitle } from './messages.ts'
export { formatDateTime, formatShortTime } from './time-format.ts'
