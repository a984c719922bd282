// Writes the cases gen.sh feeds to cert-manager's Go code (JSON on stdout). Deterministic: a
// fixed-seed generator, and daylight-saving transitions found with Intl at generation time.
// Sections: `next` (cron parse + Next), `locations` (time.LoadLocation), `renewal` (RenewalTime).

const H = 3_600_000;
const D = 24 * H;

/** xorshift32: the same sequence on every machine. */
function random(seed) {
  let s = seed >>> 0;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}
const rand = random(20261121);
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const iso = (ms) => new Date(ms).toISOString();

function offsetMs(zone, ms) {
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  });
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second) - Math.floor(ms / 1000) * 1000;
}

/** The instants in [from, to) at which `zone` changes its UTC offset, to the second. */
function transitions(zone, from, to) {
  const out = [];
  for (let t = from; t < to; t += H) {
    if (offsetMs(zone, t) === offsetMs(zone, t + H)) continue;
    let lo = t;
    let hi = t + H;
    while (hi - lo > 1000) {
      const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
      if (offsetMs(zone, mid) === offsetMs(zone, t)) lo = mid;
      else hi = mid;
    }
    out.push(hi);
  }
  return out;
}

const Y2026 = Date.UTC(2026, 0, 1);
const Y2027 = Date.UTC(2027, 0, 1);

const DST_ZONES = [
  'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Europe/London', 'Europe/Dublin', 'America/Santiago',
  'America/Havana', 'Pacific/Chatham', 'America/St_Johns', 'Australia/Adelaide', 'America/Denver', 'Antarctica/Troll',
  'Africa/Casablanca', 'Australia/Sydney', 'America/Los_Angeles',
];
const FIXED_ZONES = ['UTC', 'Asia/Kolkata', 'America/Phoenix', 'Asia/Tokyo', 'Asia/Kathmandu', 'America/Sao_Paulo', 'Etc/GMT+5', 'Asia/Calcutta', 'US/Eastern'];
const ALL_ZONES = [...DST_ZONES, ...FIXED_ZONES];

const DAILY = [
  '30 2 * * *', '0 2 * * *', '59 1 * * *', '0 3 * * *', '15 2 * * *', '45 2 * * *', '30 1 * * *', '0 0 * * *', '30 0 * * *',
  '0 1 * * *', '30 23 * * *', '30 2 * * 0', '0 10 * * *', '@daily', '0 0 * * 0', '59 23 * * *',
];
const SUB_DAILY = ['0 * * * *', '*/30 * * * *', '*/15 1-3 * * *', '@hourly', '0 */2 * * *', '45 * * * *'];

const next = [];
let n = 0;
const addNext = (cron, timezone, after, count, tag) => next.push({ id: `${tag}-${++n}`, cron, timezone, after, count });

// 1. Syntax: what the parser accepts and rejects, in three zone settings (none = the cron's own
// CRON_TZ or UTC, UTC, Europe/Berlin). Three firings after an instant with milliseconds.
const SYNTAX = [
  '0 10 * * *', '*/15 * * * *', '0 2 * * MON-FRI', '0 2 * * mon,WED', '0 2 * * Sun', '0 0 1 JAN *', '0 0 1 jan-Mar,oct *',
  '0 0 L * *', '0 0 * * 7', '0 0 * * 1-7', '60 * * * *', '0 24 * * *', '0 0 0 * *', '0 0 32 * *', '0 0 * 13 *', '0 0 * 0 *',
  '* * * *', '0 0 0 * * *', '', '   ', ' 0 10 * * * ', '0\t10 * *\t*', '@daily', '@weekly', '@monthly', '@yearly', '@annually',
  '@midnight', '@hourly', '@every 1h30m', '@every 500ms', '@every 90s', '@every 1.5s', '@every -1h', '@every 0s', '@every',
  '@every abc', '@reboot', '@DAILY', '@daily ', 'CRON_TZ=Asia/Tokyo 0 10 * * *', 'TZ=Asia/Tokyo 0 10 * * *',
  'CRON_TZ=Nowhere/Zone 0 10 * * *', 'CRON_TZ=UTC', 'CRON_TZ=Asia/Tokyo @daily', '0 0 30 2 *', '0 0 31 2 *', '0 0 29 2 *',
  ',', '1,,2 * * * *', '+5 * * * *', '-5 * * * *', '5-1 * * * *', '1-2-3 * * * *', '*/0 * * * *', '1/2/3 * * * *',
  '0 0 * * sun-sat', '0 0 * * SUN/2', '0 12 * * 0-6/2', '0 0 1 * mon', '0 0 1 * *', '0 0 ? * MON', '? ? ? ? ?',
  '0 0 */2 * 1', '0 0 */1 * 1', '0 0 1-31/2 * *', '5/15 * * * *', '0 0 * Jan,jUl *', '00 08 * * *', '0 8 * * 5#3',
  '0 8 * * 5L', '0 8 ? * *', 'x * * * *', '0 8 * * MONDAY', '0 0 * * 6,0', '0 23 * * 1-5', '*/7 */5 */3 */2 */4',
  '0-59/20 0-23/6 1-31/10 1-12/3 0-6/3', '0 0 0/5 * *', '0 9-17 * * 1-5', '0 2 1,15 * *', '0 0 1 1 1', '9223372036854775808 * * * *',
  '0 0 * * 0-0', '30 2 25-31 3 0', '0 0 29 2 1',
];
for (const cron of SYNTAX) {
  for (const tz of ['', 'UTC', 'Europe/Berlin']) addNext(cron, tz, '2026-01-15T12:34:56.789Z', 3, 'syntax');
}
for (const tz of ['Nowhere/Zone', 'europe/berlin', 'Local', 'America/New York', 'EST5EDT', 'Etc/GMT-14', 'Asia/Calcutta', 'UTC ', '+01:00']) {
  addNext('0 10 * * *', tz, '2026-01-15T12:34:56.789Z', 2, 'zone');
}
// Leap days and the five-year search limit.
addNext('0 0 29 2 *', 'UTC', '2096-03-01T00:00:00Z', 1, 'leap');
addNext('0 0 29 2 *', 'UTC', '2024-03-01T00:00:00Z', 2, 'leap');
addNext('0 0 29 2 *', 'Europe/Berlin', '2027-06-01T00:00:00Z', 2, 'leap');

// 2. Daylight saving: every 2026 transition of each zone, crossed by daily and sub-daily crons.
for (const zone of DST_ZONES) {
  for (const t of transitions(zone, Y2026, Y2027)) {
    for (const cron of DAILY) addNext(cron, zone, iso(t - 30 * H), 4, `dst-${zone}`);
    for (const cron of SUB_DAILY) addNext(cron, zone, iso(t - 3 * H), 12, `dst-${zone}`);
    for (const d of [-1000, 0, 1000, 30 * 60_000]) addNext('*/30 * * * *', zone, iso(t + d), 3, `edge-${zone}`);
  }
}
for (const zone of FIXED_ZONES) {
  for (const cron of DAILY.slice(0, 6)) addNext(cron, zone, '2026-03-28T12:00:00Z', 4, `fixed-${zone}`);
}

// 3. Random expressions in random zones at random instants.
function randomField(lo, hi, names) {
  const v = () => (names && rand() < 0.3 ? pick(names) : String(int(lo, hi)));
  switch (int(0, 7)) {
    case 0: case 1: return '*';
    case 2: return v();
    case 3: return Array.from({ length: int(2, 3) }, v).join(',');
    case 4: { const a = int(lo, hi); return `${a}-${int(a, hi)}`; }
    case 5: { const a = int(lo, hi); return `${a}-${int(a, hi)}/${int(1, 4)}`; }
    case 6: return `*/${int(1, Math.max(2, Math.floor((hi - lo) / 2)))}`;
    default: return `${int(lo, hi)}/${int(2, 10)}`;
  }
}
const MONTHS = ['jan', 'FEB', 'Mar', 'apr', 'may', 'JUN', 'jul', 'aug', 'Sep', 'oct', 'nov', 'DEC'];
const DOWS = ['sun', 'MON', 'Tue', 'wed', 'thu', 'FRI', 'sat'];
function randomCron() {
  return [
    randomField(0, 59),
    randomField(0, 23),
    rand() < 0.6 ? '*' : randomField(1, 31),
    rand() < 0.6 ? '*' : randomField(1, 12, MONTHS),
    rand() < 0.5 ? '*' : randomField(0, 6, DOWS),
  ].join(' ');
}
for (let i = 0; i < 300; i++) {
  const after = Date.UTC(2020, 0, 1) + Math.floor(rand() * 10 * 365 * D) + int(0, 999);
  addNext(randomCron(), pick(ALL_ZONES), iso(after), 3, 'random');
}

// 4. Time zone names.
const locations = [...ALL_ZONES, '', 'Local', 'utc', 'Utc', 'europe/berlin', 'EUROPE/BERLIN', 'US/EASTERN', 'us/eastern', 'Nowhere/Zone',
  '+01:00', 'UTC+1', 'GMT', 'GMT0', 'Etc/UTC', 'Zulu', 'EST', 'EST5EDT', 'Europe/Kyiv', 'Europe/Kiev', 'America/New York', '../etc/passwd',
  '/etc/localtime', 'Factory', 'posixrules', 'Europe/Berlin ', ' Europe/Berlin', 'Asia/Ho_Chi_Minh', 'America/Argentina/Buenos_Aires',
  'America/Buenos_Aires', 'Etc/GMT+12', 'Etc/GMT-14', 'Etc/GMT+13', 'SystemV/AST4', 'Etc/Unknown', 'Europe/Belfast'].map((name) => ({ name }));

// 5. RenewalTime.
const renewal = [];
let r = 0;
const addRenewal = (c, tag) => renewal.push({ id: `${tag}-${++r}`, ...c });

// 5a. The formula, no renewal spec: lifetimes × renewBefore / renewBeforePercentage.
const LIFETIMES = [H, 3 * H, D, D - 1000, D + 3 * 60_000, 6 * D, 10 * D - H, 10 * D, 45 * D, 90 * D, 730 * H, 4380 * H, 365 * D, 397 * D,
  3 * 365 * D, 10 * 365 * D, 10 * 365 * D + 7000, 20 * 365 * D + 13_000, 90 * D + 1000, 90 * D + 2000, 47 * D + 11_000];
const goDur = (ms) => `${ms / 1000}s`;
for (const life of LIFETIMES) {
  const nb = Math.floor((Date.UTC(2025, 0, 1) + rand() * 2 * 365 * D) / 1000) * 1000;
  const base = { notBefore: iso(nb), notAfter: iso(nb + life) };
  addRenewal(base, 'formula');
  for (const rb of [5 * 60_000, H, 20 * H, 25 * H, 30 * D, life - 1000, life, life + H]) addRenewal({ ...base, renewBefore: goDur(rb) }, 'formula');
  for (const pct of [1, 5, 25, 30, 33, 50, 66, 67, 99, 0, 100, 101, -5]) addRenewal({ ...base, renewBeforePercentage: pct }, 'formula');
}

// Long lifetimes with renewBeforePercentage: Go multiplies nanoseconds in float64, which is
// inexact beyond 2^53 ns (104 days) and can move the result by a second.
for (let i = 0; i < 200; i++) {
  const nb = Date.UTC(2025, 0, 1) + int(0, 365 * 24 * 3600) * 1000;
  const life = int(1, 20 * 365 * 864) * 100_000;
  addRenewal({ notBefore: iso(nb), notAfter: iso(nb + life), renewBeforePercentage: int(1, 99) }, 'formula-long');
}

// 5b. Windows by hand: each names the situation it pins.
const W = (cron, windowDuration, timezone) => (timezone === undefined ? { cron, windowDuration } : { cron, windowDuration, timezone });
const RB = (...windows) => ({ policy: 'RenewBefore', windows });
const NB = '2026-01-01T00:00:00Z';
const NA = '2026-04-01T00:00:00Z';
const hand = [
  ['inside', NB, NA, '2026-03-02T10:30:00Z', RB(W('0 10 * * *', '2h'))],
  ['at-start', NB, NA, '2026-03-02T10:00:00Z', RB(W('0 10 * * *', '2h'))],
  ['at-end', NB, NA, '2026-03-02T12:00:00Z', RB(W('0 10 * * *', '2h'))],
  ['just-after-end', NB, NA, '2026-03-02T12:00:01Z', RB(W('0 10 * * *', '2h'))],
  ['just-before-start', NB, NA, '2026-03-02T09:59:59Z', RB(W('0 10 * * *', '2h'))],
  ['before', NB, NA, '2026-03-02T09:00:00Z', RB(W('0 15 * * *', '2h'))],
  ['weekly', NB, NA, '2026-03-02T09:00:00Z', RB(W('0 2 * * 6', '2h', 'Europe/Berlin'))],
  ['after-last-window', NB, '2026-03-03T00:00:00Z', '2026-03-02T13:30:00Z', RB(W('0 10 * * *', '2h'))],
  ['after-last-window-ends-past-expiry', NB, '2026-03-02T11:00:00Z', '2026-03-02T10:30:00Z', RB(W('0 10 * * *', '2h'))],
  ['window-starts-at-expiry', NB, '2026-03-02T10:00:00Z', '2026-03-02T09:00:00Z', RB(W('0 10 * * *', '2h'))],
  ['window-starts-at-expiry-plus-duration', NB, '2026-03-02T08:00:00Z', '2026-03-02T07:00:00Z', RB(W('0 10 * * *', '2h'))],
  ['window-starts-just-after-search', NB, '2026-03-02T07:59:59Z', '2026-03-02T07:00:00Z', RB(W('0 10 * * *', '2h'))],
  ['several-weekday-weekend', NB, '2026-03-08T00:00:00Z', '2026-03-07T06:00:00Z', RB(W('0 23 * * 1-5', '2h'), W('0 10 * * 6,0', '4h'))],
  ['several-inside-second', NB, NA, '2026-03-02T23:30:00Z', RB(W('0 10 * * *', '2h'), W('0 23 * * *', '1h'))],
  ['several-earliest-next', NB, NA, '2026-03-02T13:00:00Z', RB(W('0 23 * * *', '1h'), W('0 20 * * *', '1h'), W('0 22 * * *', '1h'))],
  ['several-second-out-of-range', NB, '2026-03-03T00:00:00Z', '2026-03-02T13:00:00Z', RB(W('0 20 * * *', '1h'), W('0 0 1 1 *', '1h'))],
  ['several-first-out-of-range', NB, '2026-03-03T00:00:00Z', '2026-03-02T13:00:00Z', RB(W('0 0 1 1 *', '1h'), W('0 20 * * *', '1h'))],
  ['desired-before-long-window-search', NB, NA, '2025-12-31T00:00:00Z', RB(W('0 10 * * *', '2h'), W('0 0 * * *', '1h'))],
  ['desired-before-search-second-window', NB, NA, '2025-12-31T23:30:00Z', RB(W('0 23 * * *', '2h'), W('0 12 * * *', '10m'))],
  ['desired-before-notBefore', NB, NA, '2025-12-31T20:00:00Z', RB(W('0 10 * * *', '2h'))],
  ['desired-after-notAfter', NB, NA, '2026-04-01T10:30:00Z', RB(W('0 10 * * *', '2h'))],
  ['desired-far-after-notAfter', NB, NA, '2026-04-05T10:30:00Z', RB(W('0 10 * * *', '2h'))],
  ['none-fits', NB, NA, '2026-03-02T13:30:00Z', RB(W('0 0 1 1 *', '2h'))],
  ['never-fires', NB, NA, '2026-03-02T13:30:00Z', RB(W('0 0 31 2 *', '2h'))],
  ['never-fires-then-daily', NB, NA, '2026-03-02T13:30:00Z', RB(W('0 0 31 2 *', '2h'), W('0 15 * * *', '1h'))],
  ['daily-then-never-fires', NB, NA, '2026-03-02T13:30:00Z', RB(W('0 15 * * *', '1h'), W('0 0 31 2 *', '2h'))],
  ['leap-day', '2027-06-01T00:00:00Z', '2028-06-01T00:00:00Z', '2028-02-01T00:00:00Z', RB(W('0 0 29 2 *', '24h'))],
  ['long-window-covers', NB, NA, '2026-03-04T00:00:00Z', RB(W('0 0 * * 1', '72h'))],
  ['window-longer-than-period', NB, NA, '2026-03-04T00:00:00Z', RB(W('0 */6 * * *', '12h'))],
  ['every-descriptor', NB, NA, '2026-03-02T13:30:00Z', RB(W('@every 36h', '2h'))],
  ['every-descriptor-inside', NB, NA, '2026-03-31T23:00:00Z', RB(W('@every 36h', '2h'))],
  ['weekly-descriptor', NB, NA, '2026-03-02T13:30:00Z', RB(W('@weekly', '6h', 'America/New_York'))],
  ['disabled', NB, NA, '2026-03-02T13:30:00Z', { policy: 'Disabled' }],
  ['disabled-with-windows', NB, NA, '2026-03-02T13:30:00Z', { policy: 'Disabled', windows: [W('0 10 * * *', '2h')] }],
  ['empty-policy', NB, NA, '2026-03-02T13:30:00Z', { policy: '' }],
  ['bad-policy', NB, NA, '2026-03-02T13:30:00Z', { policy: 'Never' }],
  ['no-windows', NB, NA, '2026-03-02T13:30:00Z', RB()],
  ['bad-zone', NB, NA, '2026-03-02T13:30:00Z', RB(W('0 10 * * *', '2h', 'Nowhere/Zone'))],
  ['bad-cron', NB, NA, '2026-03-02T13:30:00Z', RB(W('0 10 * *', '2h'))],
  ['cron-with-own-tz', NB, NA, '2026-03-02T13:30:00Z', RB(W('CRON_TZ=Asia/Tokyo 0 10 * * *', '2h'))],
  ['zero-duration', NB, NA, '2026-03-02T13:30:00Z', RB(W('0 10 * * *', '0s'))],
  ['no-duration', NB, NA, '2026-03-02T13:30:00Z', RB(W('0 10 * * *', ''))],
  ['later-window-bad-duration', NB, NA, '2026-03-02T13:30:00Z', RB(W('0 10 * * *', '2h'), W('0 10 * * *', '0s'))],
  ['local-zone', NB, NA, '2026-03-02T13:30:00Z', RB(W('0 15 * * *', '1h', 'Local'))],
  ['utc-explicit', NB, NA, '2026-03-02T13:30:00Z', RB(W('0 15 * * *', '1h', 'UTC'))],
  ['kolkata', NB, NA, '2026-03-02T13:30:00Z', RB(W('0 22 * * *', '1h', 'Asia/Kolkata'))],
  ['berlin-spring-forward-skipped', NB, '2026-04-30T00:00:00Z', '2026-03-28T12:00:00Z', RB(W('30 2 * * 0', '1h', 'Europe/Berlin'))],
  ['berlin-spring-forward-daily', NB, '2026-04-30T00:00:00Z', '2026-03-28T12:00:00Z', RB(W('30 2 * * *', '1h', 'Europe/Berlin'))],
  ['berlin-fall-back-first', NB, '2026-11-30T00:00:00Z', '2026-10-24T12:00:00Z', RB(W('30 2 * * *', '30m', 'Europe/Berlin'))],
  ['berlin-fall-back-inside-first', NB, '2026-11-30T00:00:00Z', '2026-10-25T00:45:00Z', RB(W('30 2 * * *', '30m', 'Europe/Berlin'))],
  ['berlin-fall-back-between', NB, '2026-11-30T00:00:00Z', '2026-10-25T01:15:00Z', RB(W('30 2 * * *', '30m', 'Europe/Berlin'))],
  ['new-york-spring-forward', NB, '2026-04-30T00:00:00Z', '2026-03-07T12:00:00Z', RB(W('30 2 * * *', '1h', 'America/New_York'))],
  ['new-york-fall-back', NB, '2026-11-30T00:00:00Z', '2026-11-01T05:45:00Z', RB(W('30 1 * * *', '30m', 'America/New_York'))],
  ['lord-howe-spring', NB, '2026-11-30T00:00:00Z', '2026-10-03T12:00:00Z', RB(W('15 2 * * *', '1h', 'Australia/Lord_Howe'))],
  ['lord-howe-fall', NB, '2026-11-30T00:00:00Z', '2026-04-04T12:00:00Z', RB(W('45 1 * * *', '10m', 'Australia/Lord_Howe'))],
  ['denver-cert-manager-case', '2026-02-26T00:00:00Z', '2026-11-03T00:00:00Z', '2026-10-31T21:30:00Z', RB(W('0 10 * * *', '2h', 'America/Denver'))],
];
for (const [tag, notBefore, notAfter, desired, spec] of hand) addRenewal({ notBefore, notAfter, desired, renewal: spec }, `hand-${tag}`);
// The same situations reached through renewBefore instead of a stated desired time.
addRenewal({ notBefore: NB, notAfter: NA, renewBefore: '720h', renewal: RB(W('0 2 * * 6', '4h', 'Europe/Berlin')) }, 'hand-renewBefore');
addRenewal({ notBefore: NB, notAfter: NA, renewBeforePercentage: 25, renewal: RB(W('0 22 * * 1-5', '2h', 'America/New_York')) }, 'hand-percentage');
addRenewal({ notBefore: NB, notAfter: NA, renewal: RB(W('0 10 * * *', '2h')) }, 'hand-default');

// 5c. Random windows, with times on whole hours so that edges coincide often.
const WINDOW_CRONS = ['0 10 * * *', '0 2 * * 6', '0 22 * * 1-5', '30 2 * * 0', '0 */6 * * *', '0 0 1 * *', '0 3 * * SAT,SUN', '0 0 29 2 *',
  '15 4 1-7 * MON', '@weekly', '@daily', '@every 36h', '0 0 31 2 *', '30 2 * * *', '0 9-17 * * 1-5', '0 0 1,15 * *', '0 12 * * 3'];
const DURATIONS = ['1m', '30m', '1h', '2h', '4h', '90m', '24h', '48h', '72h', '168h', '0.5h', '1h30m', '1s', '6h', '12h'];
for (let i = 0; i < 400; i++) {
  const life = pick([H * int(1, 48), D * int(1, 14), D * pick([30, 45, 90, 90, 90, 180, 365, 397]), D * int(1, 800) + int(0, 3599) * 1000]);
  const nb = Date.UTC(2026, 0, 1) + int(0, 365 * 24) * H + (rand() < 0.3 ? int(0, 3599) * 1000 : 0);
  const na = nb + life;
  const windows = Array.from({ length: pick([1, 1, 1, 2, 2, 3]) }, () => {
    const cron = rand() < 0.8 ? pick(WINDOW_CRONS) : randomCron();
    const tz = pick([undefined, undefined, 'UTC', ...ALL_ZONES]);
    return W(cron, pick(DURATIONS), tz);
  });
  const c = { notBefore: iso(nb), notAfter: iso(na), renewal: RB(...windows) };
  const mode = rand();
  if (mode < 0.6) c.desired = iso(nb + Math.round((rand() * 1.2 - 0.1) * life / H) * H);
  else if (mode < 0.8) c.desired = iso(nb + Math.floor(rand() * life / 1000) * 1000);
  else if (mode < 0.9) c.renewBefore = goDur(Math.max(1000, Math.floor(rand() * life / 1000) * 1000));
  else c.renewBeforePercentage = int(1, 99);
  addRenewal(c, 'random');
}

process.stdout.write(`${JSON.stringify({ generator: '', next, locations, renewal })}\n`);
