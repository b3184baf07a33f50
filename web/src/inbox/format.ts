/** How the inbox writes times, numbers, prices and statuses for people. */
import type { MessageStatus } from '../__generated__/graphql';

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const day = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

/** "14:05" today, "Mar 3" before. */
export function shortTime(iso: string, now = Date.now()): string {
  const at = new Date(iso);
  return now - at.getTime() < 20 * 3_600_000 && new Date(now).getDate() === at.getDate() ? time.format(at) : day.format(at);
}

/** "Mar 3, 14:05", for a message's tooltip and screen readers. */
export const longTime = (iso: string): string => `${day.format(new Date(iso))}, ${time.format(new Date(iso))}`;

/** Twilio's channel prefixes, as their owners write them. */
const CHANNELS: Readonly<Record<string, string>> = { whatsapp: 'WhatsApp', messenger: 'Messenger', rcs: 'RCS' };

/** `whatsapp:+14155550104` → "+1 415 555 0104 · WhatsApp"; NANP numbers grouped, others as they are. */
export function displayAddress(raw: string): string {
  // Direction controls would let an address read as something else ("‮evil" shown reversed).
  const address = withoutDirectionControls(raw);
  const [channel, number] = address.includes(':') ? (address.split(':', 2) as [string, string]) : [null, address];
  const nanp = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(number);
  const shown = nanp ? `+1 ${nanp[1]} ${nanp[2]} ${nanp[3]}` : number;
  return channel ? `${shown} · ${CHANNELS[channel] ?? channel}` : shown;
}

/** Twilio's prices are negative charges: "-0.00790" USD → "$0.0079". */
export function money(amount: string, currency: string): string {
  const value = Math.abs(Number(amount));
  const digits = value !== 0 && value < 0.01 ? 4 : 2;
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: 4 }).format(value);
  } catch {
    return `${value.toFixed(digits)} ${currency}`;
  }
}

/** A status in words, and whether it is still moving, went well, or went wrong. */
export function statusLabel(status: MessageStatus): { text: string; tone: 'pending' | 'ok' | 'bad' } {
  switch (status) {
    case 'ACCEPTED':
    case 'SCHEDULED':
    case 'QUEUED':
    case 'SENDING':
    case 'RECEIVING':
      return { text: status.charAt(0) + status.slice(1).toLowerCase(), tone: 'pending' };
    case 'SENT':
      return { text: 'Sent', tone: 'pending' };
    case 'DELIVERED':
    case 'RECEIVED':
    case 'READ':
      return { text: status.charAt(0) + status.slice(1).toLowerCase(), tone: 'ok' };
    case 'PARTIALLY_DELIVERED':
      return { text: 'Partially delivered', tone: 'bad' };
    case 'FAILED':
    case 'UNDELIVERED':
    case 'CANCELED':
      return { text: status.charAt(0) + status.slice(1).toLowerCase(), tone: 'bad' };
  }
}

/**
 * `Media.url` is absolute, on the gateway's own address (127.0.0.1 unless PUBLIC_URL is set). The inbox is served
 * by that same gateway, maybe under another name (localhost), so it loads the path from its own origin: the page's
 * CSP allows only 'self', and no request leaves for another host.
 */
export function sameOriginMedia(url: string): string {
  try {
    const parsed = new URL(url, location.href);
    return parsed.pathname.startsWith('/media/') ? `${parsed.pathname}${parsed.search}` : url;
  } catch {
    return url;
  }
}

/** The text without Unicode's direction overrides and isolates (U+202A–202E, U+2066–2069). */
export function withoutDirectionControls(text: string): string {
  return text.replace(/[\u202a-\u202e\u2066-\u2069]/g, '');
}
