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
