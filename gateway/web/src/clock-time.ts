/** Local wall-clock time of an ISO or epoch-ms instant, e.g. 21:08:05 (the browser's own zone). */
export function clockTime(at: string | number): string {
  return new Date(at).toLocaleTimeString([], { hour12: false })
}
