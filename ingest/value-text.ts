const MAX_TEXT = 40

/**
 * A short description of a value a device sent, for its error answer and the logs. Never
 * serialises the value itself: it may be megabytes long or thousands of levels deep.
 */
export function describeDeviceValue(value: unknown): string {
  if (value === undefined) return 'undefined'
  if (value === null) return 'null'
  if (Array.isArray(value)) return `an array of ${value.length}`
  switch (typeof value) {
    case 'number':
    case 'boolean':
      return String(value)
    case 'string': {
      const shown = value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT)}…` : value
      return `a string ${JSON.stringify(shown)}${value.length > MAX_TEXT ? ` of ${value.length} characters` : ''}`
    }
    default:
      return `a${typeof value === 'object' ? 'n object' : ` ${typeof value}`}`
  }
}
