/**
 * SMPP 3.4 time formats for validity_period: relative "YYMMDDhhmmss000R" from seconds, or
 * absolute "YYMMDDhhmmsst00+" (UTC) from a Date.
 */
export function toSmppValidity(value: number | Date): string {
  if (value instanceof Date) {
    const d = value;
    const two = (n: number) => String(n).padStart(2, '0');
    return (
      two(d.getUTCFullYear() % 100) +
      two(d.getUTCMonth() + 1) +
      two(d.getUTCDate()) +
      two(d.getUTCHours()) +
      two(d.getUTCMinutes()) +
      two(d.getUTCSeconds()) +
      String(Math.floor(d.getUTCMilliseconds() / 100)) +
      '00+'
    );
  }
  let rest = Math.floor(value);
  const days = Math.floor(rest / 86_400);
  rest -= days * 86_400;
  const hours = Math.floor(rest / 3600);
  rest -= hours * 3600;
  const minutes = Math.floor(rest / 60);
  const seconds = rest - minutes * 60;
  const two = (n: number) => String(n).padStart(2, '0');
  // Relative: years and months stay 0, days carry the rest (at most 99).
  return `0000${two(days)}${two(hours)}${two(minutes)}${two(seconds)}000R`;
}

/** Longest relative validity this format carries: 99 days. */
export const MAX_VALIDITY_SECONDS = 99 * 86_400 + 23 * 3600 + 59 * 60 + 59;

/**
 * The validity_period of a submit_sm: with an expiresAt, the time left until it as a relative
 * period (at least 1 s), or the configured validity when that ends sooner; else the configured one.
 */
export function validityForSubmit(
  configured: string | null,
  expiresAt: Date | null,
  now = Date.now(),
): string | undefined {
  if (!expiresAt) return configured ?? undefined;
  const left = Math.max(1, Math.floor((expiresAt.getTime() - now) / 1000));
  const configuredLeft = configured === null ? null : secondsLeft(configured, now);
  if (configuredLeft !== null && configuredLeft <= left) return configured ?? undefined;
  return toSmppValidity(Math.min(left, MAX_VALIDITY_SECONDS));
}

/** Seconds until an SMPP time (relative or absolute) ends; null when it is not one. */
export function secondsLeft(smppTime: string, now = Date.now()): number | null {
  const m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d)(\d{2})([+\-R])$/.exec(smppTime);
  if (!m) return null;
  const [yy, mo, dd, hh, mi, ss, tenths, quarters] = m.slice(1, 9).map(Number);
  if (m[9] === 'R') {
    // Years and months as 365 and 30 days: only ever compared against a few days.
    return ((yy * 365 + mo * 30 + dd) * 24 + hh) * 3600 + mi * 60 + ss;
  }
  const offsetMs = (m[9] === '+' ? 1 : -1) * quarters * 15 * 60_000;
  const utc = Date.UTC(2000 + yy, mo - 1, dd, hh, mi, ss, tenths * 100) - offsetMs;
  return Math.floor((utc - now) / 1000);
}
