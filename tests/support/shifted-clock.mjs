// Runs a test process at a chosen time of day in the site's time zone, so that tests which pass at
// one hour and fail at another show it on any day (README "Tests at any hour"). Loaded with
// `node --import` (vitest.config.ts puts it into NODE_OPTIONS when FIREWATCH_TEST_SITE_TIME is set,
// so every test worker and every process they start, such as a spawned gateway, loads it).
//
// FIREWATCH_TEST_SITE_TIME=HH:MM   the site-local time the process starts at (the latest one not
//                                  in the future: the shift is less than a day, backwards)
// FIREWATCH_TEST_SITE_TZ           the site's zone, default Asia/Shanghai (tests/fixtures/test-site.yaml)
// FIREWATCH_TEST_CLOCK_OFFSET_MS   set here for child processes: they keep their parent's clock
//
// Only Date moves (Date.now(), new Date(), Date()); timers and performance.now() keep real time,
// and the clock runs on from the chosen instant. Plain JavaScript: it must load without tsx.

const OFFSET_VAR = 'FIREWATCH_TEST_CLOCK_OFFSET_MS'

function offsetToSiteTime(hhmm, timeZone, now) {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm)
  if (!match) throw new Error(`FIREWATCH_TEST_SITE_TIME=${hhmm}: expected HH:MM, 00:00 to 23:59`)
  const parts = {}
  const format = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  })
  for (const p of format.formatToParts(now)) parts[p.type] = Number(p.value)
  const minutesNow = parts.hour * 60 + parts.minute
  const minutesWanted = Number(match[1]) * 60 + Number(match[2])
  const minutesBack = (minutesNow - minutesWanted + 1440) % 1440
  return -(minutesBack * 60_000 + parts.second * 1000 + (now % 1000))
}

function install(offset) {
  const RealDate = globalThis.Date
  const now = () => RealDate.now() + offset
  globalThis.Date = new Proxy(RealDate, {
    construct: (target, args, newTarget) =>
      Reflect.construct(target, args.length ? args : [now()], newTarget),
    apply: () => new RealDate(now()).toString(),
    get: (target, key, receiver) => (key === 'now' ? now : Reflect.get(target, key, receiver)),
  })
}

const siteTime = process.env.FIREWATCH_TEST_SITE_TIME
if (siteTime && !globalThis.__firewatchShiftedClock) {
  globalThis.__firewatchShiftedClock = true
  let offset = Number(process.env[OFFSET_VAR])
  if (!process.env[OFFSET_VAR]) {
    offset = offsetToSiteTime(siteTime, process.env.FIREWATCH_TEST_SITE_TZ || 'Asia/Shanghai', Date.now())
    process.env[OFFSET_VAR] = String(offset)
  }
  install(offset)
}
