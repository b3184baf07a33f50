/**
 * Relay connections over Twilio's page tokens. A cursor is opaque to callers; inside it is the Twilio
 * list query that produced the edge's page (filters, `PageSize`, `Page`, `PageToken`) and the edge's
 * index in it. The last edge of a page that has a next page points at the start of that next page
 * instead, so `after: pageInfo.endCursor` costs exactly one upstream call.
 */
import type { MessageFilter } from '../../__generated__/resolvers.js';
import { badUserInput } from '../errors.js';
import { MAX_PAGE_SIZE } from '../limits.js';
import { toTwilioIso } from '../../protocol/dates.js';
import { isRecipientAddress, isSenderAddress } from '../../protocol/phone.js';
import type { WireMessage, WireMessagePage } from '../../protocol/wire.js';


/** The only query parameters a cursor may carry, so a cursor cannot steer the upstream call anywhere else. */
const FILTER_KEYS = ['To', 'From', 'DateSent', 'DateSent<', 'DateSent>'] as const;
const CURSOR_KEYS: ReadonlySet<string> = new Set([...FILTER_KEYS, 'PageSize', 'Page', 'PageToken']);

/** A decoded cursor: the upstream query of a page, and the index of the edge in it (-1: before its first edge). */
export interface Cursor {
  query: URLSearchParams;
  index: number;
}


export function encodeCursor(query: URLSearchParams, index: number): string {
  return Buffer.from(`${index}|${query.toString()}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): Cursor {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^(-1|\d{1,4})\|(.*)$/s.exec(text);
  const query = new URLSearchParams(match?.[2] ?? '');
  const valid = match !== null && [...query.keys()].every((key) => CURSOR_KEYS.has(key));
  if (!valid) throw badUserInput('`after` is not a cursor this API issued');
  return { query, index: Number(match[1]) };
}

/** The Twilio filter parameters of a `MessageFilter`, in twilio-node's date format. */
export function filterParams(filter: MessageFilter | null | undefined): URLSearchParams {
  const params = new URLSearchParams();
  if (!filter) return params;
  if (filter.to) params.set('To', address('to', filter.to, isRecipientAddress));
  if (filter.from) params.set('From', address('from', filter.from, isSenderAddress));
  if (filter.dateSent) params.set('DateSent', filter.dateSent.slice(0, 10));
  if (filter.dateSentBefore) params.set('DateSent<', toTwilioIso(Date.parse(filter.dateSentBefore)));
  if (filter.dateSentAfter) params.set('DateSent>', toTwilioIso(Date.parse(filter.dateSentAfter)));
  return params;
}

/** A filter address as Twilio stores it; anything else would silently match nothing, so it is refused. */
function address(field: string, value: string, valid: (value: string) => boolean): string {
  if (valid(value)) return value;
  const hint = /^\d{6,15}$/.test(value) ? ` Did you mean "+${value}"?` : '';
  throw badUserInput(`filter.${field} must be an address as Twilio stores it: E.164 with the leading + (+14155550100) or a channel address (whatsapp:+14155550100).${hint}`);
}

function sameFilters(a: URLSearchParams, b: URLSearchParams): boolean {
  return FILTER_KEYS.every((key) => (a.get(key) ?? '') === (b.get(key) ?? ''));
}

/** The Twilio query for a `messages(first, after, filter)` call, and how many edges of the page to skip. */
export function pageRequest(first: number, after: string | null | undefined, filter: MessageFilter | null | undefined): Cursor {
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badUserInput(`\`first\` must be from 1 to ${MAX_PAGE_SIZE}, got ${first}`);
  }
  const filters = filterParams(filter);
  if (!after) {
    filters.set('PageSize', String(first));
    return { query: filters, index: -1 };
  }
  const cursor = decodeCursor(after);
  if (filter && !sameFilters(cursor.query, filters)) throw badUserInput('`filter` differs from the one the `after` cursor was made with');
  // At a page boundary the page size can follow `first`: Twilio's page token marks a position, not a page.
  if (cursor.index < 0) cursor.query.set('PageSize', String(first));
  return cursor;
}

/** The path-and-query of a Twilio page link, as query parameters. */
function queryOf(uri: string): URLSearchParams {
  const params = new URL(uri, 'http://twilio.invalid').searchParams;
  for (const key of [...params.keys()]) if (!CURSOR_KEYS.has(key)) params.delete(key);
  return params;
}

/** Builds the connection from the page Twilio answered for `request`. */
export function toConnection(request: Cursor, first: number, page: WireMessagePage) {
  const lastOfPage = page.messages.length - 1;
  const next = page.next_page_uri ? queryOf(page.next_page_uri) : null;
  const start = request.index + 1;
  const taken = page.messages.slice(start, start + first);
  const edges = taken.map((node: WireMessage, offset) => {
    const index = start + offset;
    const cursor = index === lastOfPage && next ? encodeCursor(next, -1) : encodeCursor(request.query, index);
    return { cursor, node };
  });
  return {
    edges,
    nodes: taken,
    pageInfo: {
      hasNextPage: start + taken.length - 1 < lastOfPage || next !== null,
      hasPreviousPage: request.index >= 0 || request.query.has('PageToken'),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
