/**
 * Formatting shared by the views. Every instant is shown in the desk's time zone with its UTC offset
 * ("Mon 15 Sep, 09:12 UTC−4"), inside a <time> whose title holds the ISO instant, so the exact value
 * is one hover away and never sits beside the local one.
 */
import { h } from './dom.js';

const formatters = new Map();
function formatter(timeZone, options) {
  const key = `${timeZone}|${JSON.stringify(options)}`;
  if (!formatters.has(key)) formatters.set(key, new Intl.DateTimeFormat('en-GB', { timeZone, ...options }));
  return formatters.get(key);
}

/** "UTC+2", "UTC−4", "UTC+5:30", "UTC" of `date` in `timeZone`. */
export function offsetOf(date, timeZone) {
  const part = formatter(timeZone, { timeZoneName: 'longOffset' })
    .formatToParts(date)
    .find((p) => p.type === 'timeZoneName');
  const match = /GMT([+-])(\d\d):(\d\d)/.exec(part?.value ?? '');
  if (!match) return 'UTC';
  const [, sign, hours, minutes] = match;
  if (Number(hours) === 0 && minutes === '00') return 'UTC';
  return `UTC${sign === '-' ? '−' : '+'}${Number(hours)}${minutes === '00' ? '' : `:${minutes}`}`;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The wall-clock fields of `date` in `timeZone` (numbers), from the platform's time zone data. */
function wallClock(date, timeZone) {
  const parts = formatter(timeZone, {
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    hourCycle: 'h23',
  }).formatToParts(date);
  const get = (type) => Number(parts.find((p) => p.type === type)?.value);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
}

const two = (n) => String(n).padStart(2, '0');

/** "Mon 15 Sep, 09:12 UTC−4": the text of an instant in the desk's zone (names fixed, not the locale's). */
export function atText(iso, timeZone) {
  if (!iso) return '—';
  const date = new Date(iso);
  const w = wallClock(date, timeZone);
  const weekday = WEEKDAYS[new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay()];
  return `${weekday} ${w.day} ${MONTHS[w.month - 1]}, ${two(w.hour)}:${two(w.minute)} ${offsetOf(date, timeZone)}`;
}

/** "09:12:04 UTC−4": for the steps of one execution, where the day is usually the same. */
export function clockText(iso, timeZone) {
  if (!iso) return '—';
  const date = new Date(iso);
  const w = wallClock(date, timeZone);
  return `${two(w.hour)}:${two(w.minute)}:${two(w.second)} ${offsetOf(date, timeZone)}`;
}

/** An instant as a <time> element: desk-local text, the ISO instant on hover and in `datetime`. */
export function at(iso, timeZone) {
  if (!iso) return '—';
  return h('time', { datetime: iso, title: iso }, atText(iso, timeZone));
}

/** The same with the time of day only. */
export function clockTime(iso, timeZone) {
  if (!iso) return '—';
  return h('time', { datetime: iso, title: iso }, clockText(iso, timeZone));
}

/** ISO 8601 instants and ticket ids (ULIDs) inside server sentences ("deadline 2031-09-15T13:15:00.000Z"). */
const ISO_INSTANT = /\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:\d\d)/;
const ULID = /\b[0-9A-HJKMNP-TV-Z]{26}\b/;
const READABLE = new RegExp(`${ISO_INSTANT.source}|${ULID.source}`, 'g');

/** A sentence from the API with its instants in the desk's zone and its ticket ids short (full ones on hover). */
export function readable(text, timeZone) {
  const source = String(text ?? '');
  const parts = [];
  let last = 0;
  for (const match of source.matchAll(READABLE)) {
    parts.push(
      source.slice(last, match.index),
      ULID.test(match[0]) ? idBadge(match[0]) : at(match[0], timeZone),
    );
    last = match.index + match[0].length;
  }
  parts.push(source.slice(last));
  return parts.filter((p) => p !== '');
}

/** Ticket ids are ULIDs: their last six characters are random, and enough to tell a desk's tickets apart. */
export const SHORT_ID_LENGTH = 6;
export function shortId(id) {
  return String(id ?? '').slice(-SHORT_ID_LENGTH);
}

/** A ticket id shown short ("#Q7K2QF"), the full id on hover. */
export function idBadge(id) {
  return h('span', { class: 'id', title: id, 'data-id': id }, `#${shortId(id)}`);
}

/** Execution names carry the ticket id (`<ticket>` or `<ticket>-<n>`): shorten that part. */
export function shortExecutionName(name) {
  return String(name ?? '').replace(/[0-9A-HJKMNP-TV-Z]{26}/g, (id) => `#${shortId(id)}`);
}

export function duration(ms) {
  if (ms === null || ms === undefined) return '—';
  const seconds = Math.round(Math.abs(ms) / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** How long ago `iso` was at `nowIso`, briefly: "45 min", "5 h", "3 d". */
export function age(iso, nowIso) {
  if (!iso) return '—';
  const minutes = Math.max(0, Math.floor((Date.parse(nowIso) - Date.parse(iso)) / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.floor(hours / 24)} d`;
}

/** Minutes of an SLA clock, signed: "1 h 20 min left" or "5 min overdue". */
export function minutesLeft(minutes, clock) {
  if (minutes === null || minutes === undefined) return '—';
  const text = duration(Math.abs(minutes) * 60_000);
  const unit = clock === 'business' ? ' business time' : '';
  return minutes < 0 ? `${text} overdue` : `${text} left${unit}`;
}

export function percent(ratio) {
  return ratio === null || ratio === undefined ? '—' : `${(ratio * 100).toFixed(1)} %`;
}

/** A KPI value with its unit. */
export function kpiValue(value, unit) {
  if (value === null || value === undefined) return 'no data';
  switch (unit) {
    case '%':
      return percent(value);
    case 'min':
      return value >= 120 ? `${(value / 60).toFixed(1)} h` : `${value.toFixed(1)} min`;
    case 'h':
      return value >= 48 ? `${(value / 24).toFixed(1)} d` : `${value.toFixed(1)} h`;
    default:
      return Number.isInteger(value) ? String(value) : value.toFixed(2);
  }
}

export function label(text) {
  return String(text ?? '').replace(/-/g, ' ');
}
