/** Formatting shared by the views: desk-local times, durations, numbers. */

/** "Mon 2 Jun, 09:15" in the desk's time zone. */
export function at(iso, timeZone) {
  if (!iso) return '—';
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(iso));
}

/** "09:15:04": for steps of one execution, where the day is usually the same. */
export function clockTime(iso, timeZone) {
  if (!iso) return '—';
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).format(new Date(iso));
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
