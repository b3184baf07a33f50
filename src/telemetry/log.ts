/**
 * Structured logs, one JSON object per line, with secrets redacted: values under keys that name a
 * credential, Basic/Bearer credentials, and account SIDs anywhere in a string.
 */

/** A log sink; tests pass one that collects lines. */
export type Logger = (level: 'info' | 'warn' | 'error', event: string, fields?: Record<string, unknown>) => void;

const SECRET_KEY = /authorization|token|secret|password|api[-_]?key|cookie|signature/i;

/** `name=value` and `name: value` pairs whose name says credential (query strings, headers, prose). */
const SECRET_PAIR = /\b([\w-]*(?:token|secret|password|passwd|api[-_]?key|signature|credential|session)[\w-]*)(["']?\s*[:=]\s*["']?)[^\s&"',;]+/gi;

/** Removes credentials and account SIDs from a string. */
export function redactText(text: string): string {
  return text
    .replace(/\b(Basic|Bearer)\s+[A-Za-z0-9+/=._~-]+/gi, '$1 [redacted]')
    .replace(SECRET_PAIR, '$1$2[redacted]')
    .replace(/AC[0-9a-f]{32}/gi, 'AC[redacted]')
    // A bare 32-hex-digit word is what Twilio auth tokens look like (SIDs keep theirs: the prefix joins the word).
    .replace(/\b[0-9a-f]{32}\b/gi, '[redacted]')
    .replace(/\/\/[^/\s:@]+:[^/\s@]+@/g, '//[redacted]@');
}

/** A deep copy of `value` with secrets redacted. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object' || depth > 5) return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = SECRET_KEY.test(key) ? '[redacted]' : redact(v, depth + 1);
  return out;
}

/** Writes JSON lines to stdout (info) and stderr (warn, error). */
export const jsonLogger: Logger = (level, event, fields = {}) => {
  const line = JSON.stringify({ time: new Date().toISOString(), level, event, ...(redact(fields) as object) });
  if (level === 'info') process.stdout.write(`${line}\n`);
  else process.stderr.write(`${line}\n`);
};

/** Discards everything. */
export const silentLogger: Logger = () => {};
