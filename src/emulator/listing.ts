/** List requests: date filters in Twilio's formats, and pages with page tokens and self-contained links. */
import { parseFilterDate, type FilterDate } from '../protocol/dates.js';
import type { WirePageMeta } from '../protocol/wire.js';
import { ApiError } from './api-error.js';
import type { StoredMessage } from './records.js';

/** Parses a date filter parameter or answers 400. */
function dateParam(query: URLSearchParams, name: string): FilterDate | null {
  const text = query.get(name);
  if (text === null || text === '') return null;
  const parsed = parseFilterDate(text);
  if (!parsed) throw new ApiError(400, 20001, `Invalid value for ${name}: ${text}`);
  return parsed;
}

/** A list's filters: a predicate, and the wire parameters that page links must carry again. */
export interface Filters<T> {
  match(item: T): boolean;
  wire: Array<[string, string]>;
}

/** Date filters under `name`, `name<` and `name>`; bounds are inclusive, a bare day covers the whole GMT day. */
function dateFilters(query: URLSearchParams, name: string): Filters<number | null> {
  const on = dateParam(query, name);
  const before = dateParam(query, `${name}<`);
  const after = dateParam(query, `${name}>`);
  const wire: Array<[string, string]> = [];
  for (const key of [name, `${name}<`, `${name}>`]) {
    const value = query.get(key);
    if (value) wire.push([key, value]);
  }
  const lo = (d: FilterDate) => (d.kind === 'day' ? d.start : d.at);
  const hi = (d: FilterDate) => (d.kind === 'day' ? d.end : d.at);
  return {
    wire,
    match: (at) => {
      if (!on && !before && !after) return true;
      if (at === null) return false;
      if (on && (at < lo(on) || at > hi(on))) return false;
      if (before && at > hi(before)) return false;
      if (after && at < lo(after)) return false;
      return true;
    },
  };
}

export function messageFilters(query: URLSearchParams): Filters<StoredMessage> {
  const to = query.get('To') || null;
  const from = query.get('From') || null;
  const dates = dateFilters(query, 'DateSent');
  const wire: Array<[string, string]> = [];
  if (to) wire.push(['To', to]);
  if (from) wire.push(['From', from]);
  return {
    wire: [...wire, ...dates.wire],
    match: (m) => (!to || m.to === to) && (!from || m.from === from) && dates.match(m.dateSent),
  };
}

export function mediaFilters(query: URLSearchParams): Filters<number> {
  return dateFilters(query, 'DateCreated');
}

/**
 * One page of `items` (already newest first, `key` descending) with Twilio's envelope. Page tokens
 * carry the sort key of the page's edge (`PA…` continues after it, `PB…` goes back before it), so a
 * page link stays right while new messages arrive; every link repeats the filters and page size.
 */
export function paginate<T>(items: T[], key: (item: T) => number, ctx: { query: URLSearchParams; path: string }, filters: Array<[string, string]>) {
  const { query, path } = ctx;
  const pageSize = intParam(query, 'PageSize', 50, 1, 1000);
  const page = intParam(query, 'Page', 0, 0, Number.MAX_SAFE_INTEGER);
  const token = query.get('PageToken');
  let slice: T[];
  let hasBefore: boolean;
  let hasAfter: boolean;
  const tokenMatch = token ? /^P([AB])(\d+)$/.exec(token) : null;
  if (token && !tokenMatch) throw new ApiError(400, 20001, `Invalid PageToken: ${token}`);
  if (tokenMatch && tokenMatch[1] === 'A') {
    const edge = Number(tokenMatch[2]);
    const start = items.findIndex((item) => key(item) < edge);
    const from = start < 0 ? items.length : start;
    slice = items.slice(from, from + pageSize);
    hasBefore = from > 0;
    hasAfter = from + pageSize < items.length;
  } else if (tokenMatch) {
    const edge = Number(tokenMatch[2]);
    const end = items.findIndex((item) => key(item) <= edge);
    const upTo = end < 0 ? items.length : end;
    const from = Math.max(0, upTo - pageSize);
    slice = items.slice(from, upTo);
    hasBefore = from > 0;
    hasAfter = upTo < items.length;
  } else {
    const from = page * pageSize;
    slice = items.slice(from, from + pageSize);
    hasBefore = page > 0;
    hasAfter = from + pageSize < items.length;
  }
  const link = (pageIndex: number, pageToken?: string): string => {
    const params = new URLSearchParams(filters);
    params.set('PageSize', String(pageSize));
    params.set('Page', String(pageIndex));
    if (pageToken) params.set('PageToken', pageToken);
    return `${path}?${params.toString()}`;
  };
  const first = slice[0];
  const last = slice[slice.length - 1];
  const meta: WirePageMeta = {
    page,
    page_size: pageSize,
    start: page * pageSize,
    end: page * pageSize + Math.max(slice.length - 1, 0),
    uri: link(page, token ?? undefined),
    first_page_uri: link(0),
    next_page_uri: hasAfter && last !== undefined ? link(page + 1, `PA${key(last)}`) : null,
    previous_page_uri: hasBefore && first !== undefined ? link(Math.max(page - 1, 0), `PB${key(first)}`) : null,
  };
  return { items: slice, meta };
}

function intParam(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const text = query.get(name);
  if (text === null || text === '') return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new ApiError(400, 20001, `${name} must be an integer between ${min} and ${max}.`);
  }
  return value;
}
