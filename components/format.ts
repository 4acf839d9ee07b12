/**
 * How numbers, money and times read in the staff app: units and context ("2 d ago", "R450.00"), times in the
 * club's time zone. Pure functions so server and client components format alike.
 */

const LOCALE = 'en-GB';

/** Cents → "R450.00" (rand, thousands separated: "R12,345.50"). */
export function formatRand(cents: number | null | undefined): string {
  if (cents == null) return '—';
  const sign = cents < 0 ? '−' : '';
  const value = Math.abs(cents) / 100;
  return `${sign}R${value.toLocaleString(LOCALE, { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** 12345 → "12,345". */
export function formatCount(n: number | null | undefined): string {
  return n == null ? '—' : n.toLocaleString(LOCALE);
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** "just now", "5 min ago", "3 h ago", "2 d ago", "4 mo ago", "2 y ago" (and "in 3 d" for the future). */
export function relativeTime(at: Date | string | null | undefined, now: Date = new Date()): string {
  if (!at) return 'never';
  const diff = now.getTime() - new Date(at).getTime();
  const abs = Math.abs(diff);
  const minute = 60_000;
  const hour = 60 * minute;
  const day = 24 * hour;
  let text: string;
  if (abs < minute) return 'just now';
  else if (abs < hour) text = `${Math.floor(abs / minute)} min`;
  else if (abs < day) text = `${Math.floor(abs / hour)} h`;
  else if (abs < 60 * day) text = `${Math.floor(abs / day)} d`;
  else if (abs < 365 * day) text = `${Math.floor(abs / (30 * day))} mo`;
  else text = `${Math.floor(abs / (365 * day))} y`;
  return diff >= 0 ? `${text} ago` : `in ${text}`;
}

/** "27 Nov 2026, 09:40" in the club's time zone. */
export function formatDateTime(at: Date | string | null | undefined, timeZone: string): string {
  if (!at) return '—';
  return new Intl.DateTimeFormat(LOCALE, {
    timeZone,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(at));
}

/** "27 Nov 2026" in the club's time zone. */
export function formatDate(at: Date | string | null | undefined, timeZone: string): string {
  if (!at) return '—';
  return new Intl.DateTimeFormat(LOCALE, { timeZone, day: 'numeric', month: 'short', year: 'numeric' }).format(
    new Date(at),
  );
}

/** "09:40" in the club's time zone. */
export function formatTime(at: Date | string, timeZone: string): string {
  return new Intl.DateTimeFormat(LOCALE, { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
    new Date(at),
  );
}

/**
 * A time axis's ticks and labels for points at `times`: "09:40" when they all fall on one day, else "6 Dec", in the
 * club's time zone; up to `count` evenly spaced ticks, with no label repeated (a club's first import writes its
 * scores within minutes, which read "6 Dec" five times before).
 */
export function timeAxis(times: number[], timeZone: string, count = 5): { ticks: number[]; format: (at: number) => string } {
  const min = Math.min(...times);
  const max = Math.max(...times);
  const format =
    dayKey(new Date(min), timeZone) === dayKey(new Date(max), timeZone)
      ? (at: number) => formatTime(new Date(at), timeZone)
      : (at: number) => formatDayMonth(at, timeZone);
  const seen = new Set<string>();
  const ticks: number[] = [];
  for (let i = 0; i < count; i++) {
    const at = count === 1 ? min : min + ((max - min) * i) / (count - 1);
    const label = format(at);
    if (seen.has(label)) continue;
    seen.add(label);
    ticks.push(at);
  }
  return { ticks, format };
}

function formatDayMonth(at: number, timeZone: string): string {
  return new Intl.DateTimeFormat(LOCALE, { timeZone, day: 'numeric', month: 'short' }).format(new Date(at));
}

/** The calendar day (YYYY-MM-DD) of an instant in a time zone: the timeline groups by it. */
export function dayKey(at: Date | string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(at),
  );
}

/** "Today", "Yesterday", else "Mon 24 Nov 2026", for a day key in the club's time zone. */
export function dayLabel(key: string, timeZone: string, now: Date = new Date()): string {
  const today = dayKey(now, timeZone);
  const yesterday = dayKey(new Date(now.getTime() - 86_400_000), timeZone);
  if (key === today) return 'Today';
  if (key === yesterday) return 'Yesterday';
  return new Intl.DateTimeFormat(LOCALE, {
    timeZone: 'UTC',
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  }).format(new Date(`${key}T12:00:00Z`));
}

/** 95 → "95 ms", 2400 → "2.4 s", 200000 → "3 min 20 s", 7200000 → "2 h 0 min". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms == null) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.floor((ms % 60_000) / 1000)} s`;
  if (ms < 86_400_000) return `${Math.floor(ms / 3_600_000)} h ${Math.floor((ms % 3_600_000) / 60_000)} min`;
  return `${Math.floor(ms / 86_400_000)} d ${Math.floor((ms % 86_400_000) / 3_600_000)} h`;
}

/** "ROUND_PLAYED" → "Round played", "AT_RISK" → "At risk", "scl.member.created" stays as is. */
export function humanize(value: string | null | undefined): string {
  if (!value) return '—';
  if (value.includes('.')) return value;
  const words = value.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase().trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** "+27821234567" → "+27 82 123 4567" for South African numbers; other numbers as stored. */
export function formatPhone(e164: string | null | undefined): string {
  if (!e164) return '—';
  const za = /^\+27(\d{2})(\d{3})(\d{4})$/.exec(e164);
  return za ? `+27 ${za[1]} ${za[2]} ${za[3]}` : e164;
}

/** Signed change with an arrow: +12 ↑, −5 ↓, 0 → "no change". */
export function formatChange(delta: number | null | undefined): string {
  if (delta == null || delta === 0) return 'no change';
  return delta > 0 ? `↑ ${delta}` : `↓ ${Math.abs(delta)}`;
}
