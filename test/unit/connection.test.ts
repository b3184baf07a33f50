/** Relay cursors over Twilio's page tokens, without sockets. */
import { decodeCursor, encodeCursor, filterParams, pageRequest, toConnection } from '../../src/graphql/resolvers/connection.js';
import type { WireMessage, WireMessagePage } from '../../src/protocol/wire.js';

const message = (n: number) => ({ sid: `SM${String(n).padStart(32, '0')}` }) as WireMessage;
const page = (count: number, next: string | null): WireMessagePage =>
  ({ messages: Array.from({ length: count }, (_, i) => message(i)), next_page_uri: next }) as unknown as WireMessagePage;

describe('cursors', () => {
  it('round-trip the page query and the edge index', () => {
    const query = new URLSearchParams({ To: '+14155550100', PageSize: '20', PageToken: 'PT1' });
    const cursor = decodeCursor(encodeCursor(query, 7));
    expect([cursor.index, cursor.query.toString()]).toEqual([7, query.toString()]);
  });

  it.each([
    ['not base64 of ours', 'hello'],
    ['a parameter a cursor never carries', encodeCursor(new URLSearchParams({ Url: 'http://evil.example' }), 0)],
    ['an index that is not a number', Buffer.from('x|PageSize=1').toString('base64url')],
  ])('refuse %s', (_name, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }));
  });

  it('point the last edge of a page at the start of the next one, so `after: endCursor` costs one call', () => {
    const request = pageRequest(3, null, null);
    const connection = toConnection(request, 3, page(3, '/2010-04-01/Accounts/AC1/Messages.json?PageSize=3&Page=1&PageToken=PT2&Evil=1'));
    expect(connection.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const next = pageRequest(3, connection.pageInfo.endCursor, null);
    expect([next.index, next.query.get('PageToken'), next.query.has('Evil')]).toEqual([-1, 'PT2', false]);
  });

  it('continue mid-page after any edge, and refuse another filter with it', () => {
    const request = pageRequest(2, null, { to: '+14155550100' });
    const connection = toConnection(request, 2, page(5, null));
    expect(connection.edges.map((e) => e.node.sid)).toEqual([message(0).sid, message(1).sid]);
    const rest = toConnection(pageRequest(2, connection.pageInfo.endCursor, { to: '+14155550100' }), 2, page(5, null));
    expect(rest.edges.map((e) => e.node.sid)).toEqual([message(2).sid, message(3).sid]);
    expect(() => pageRequest(2, connection.pageInfo.endCursor, { to: '+14155550199' })).toThrow(/differs from the one/);
  });

  it('turn filters into Twilio parameters, dates as twilio-node sends them', () => {
    const params = filterParams({ to: '+14155550100', dateSent: '2026-01-15T10:00:00.000Z', dateSentAfter: '2026-01-14T00:00:00.000Z' });
    expect(params.toString()).toBe('To=%2B14155550100&DateSent=2026-01-15&DateSent%3E=2026-01-14T00%3A00%3A00Z');
  });
});
