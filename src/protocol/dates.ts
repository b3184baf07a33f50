/**
 * Date formats on Twilio's wire: responses carry RFC 2822 in GMT (`Fri, 24 May 2019 17:44:46 +0000`);
 * requests carry ISO 8601 (`2024-01-01T00:00:00Z`, what twilio-node sends) or, for list filters, any of
 * the formats the spec's examples show.
 */

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Formats an instant as Twilio does in responses: RFC 2822, UTC, `+0000`. */
export function toRfc2822(ms: number): string {
  const d = new Date(ms);
  return (
    `${DAYS[d.getUTCDay()]}, ${pad2(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} +0000`
  );
}

/** Formats an instant as twilio-node sends date-times: `YYYY-MM-DDTHH:mm:ssZ`. */
export function toTwilioIso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

const RFC2822 = /^(?:[A-Z][a-z]{2}, )?(\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) (?:\+0000|GMT|UT|UTC)$/;

/** Parses Twilio's RFC 2822 response dates strictly (UTC only). Returns epoch ms, or null when it is not one. */
export function parseRfc2822(text: string): number | null {
  const m = RFC2822.exec(text);
  if (!m) return null;
  const month = MONTHS.indexOf(m[2] as (typeof MONTHS)[number]);
  if (month < 0) return null;
  const ms = Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
  return Number.isNaN(ms) ? null : ms;
}

/** A date a list filter names: a whole day (`YYYY-MM-DD`) or an instant. */
export type FilterDate = { kind: 'day'; start: number; end: number } | { kind: 'instant'; at: number };

const DAY_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_NO_ZONE = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$/;
const US_WITH_ZONE = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([A-Z]{2,4})$/;
const US_ZONES: Record<string, number> = {
  UTC: 0, GMT: 0, EST: -5, EDT: -4, CST: -6, CDT: -5, MST: -7, MDT: -6, PST: -8, PDT: -7,
};

/**
 * Parses a list-filter date in any format Twilio accepts: `YYYY-MM-DD` (a GMT day), ISO 8601 with or
 * without a zone (no zone means GMT), `MM/DD/YYYY hh:mm:ss ZONE`, or RFC 2822. Returns null when unreadable.
 */
export function parseFilterDate(text: string): FilterDate | null {
  const value = text.trim();
  const day = DAY_ONLY.exec(value);
  if (day) {
    const start = Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]));
    return Number.isNaN(start) ? null : { kind: 'day', start, end: start + 86_400_000 - 1 };
  }
  const noZone = ISO_NO_ZONE.exec(value);
  if (noZone) return instant(Date.parse(`${noZone[1]}T${noZone[2]}Z`));
  const us = US_WITH_ZONE.exec(value);
  if (us) {
    const offset = US_ZONES[us[7] ?? ''];
    if (offset === undefined) return null;
    const utc = Date.UTC(Number(us[3]), Number(us[1]) - 1, Number(us[2]), Number(us[4]), Number(us[5]), Number(us[6]));
    return instant(utc - offset * 3_600_000);
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(value) || /\d{2}:\d{2}:\d{2} [+-]\d{4}$|GMT$/.test(value)) {
    return instant(Date.parse(value));
  }
  return null;
}

function instant(ms: number): FilterDate | null {
  return Number.isNaN(ms) ? null : { kind: 'instant', at: ms };
}
