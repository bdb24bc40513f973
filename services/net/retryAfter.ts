/** A Retry-After header value (seconds or an HTTP date) in ms; undefined when absent or unreadable. */
export function parseRetryAfter(raw: string | null | undefined): number | undefined {
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const at = Date.parse(raw);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}
