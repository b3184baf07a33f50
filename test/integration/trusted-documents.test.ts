/**
 * Trusted documents: a manifest of the documents a frontend was built with (PERSISTED_DOCUMENTS, codegen's
 * `sha256:<hex>` keys); clients name them by hash in Apollo's persisted-query format, over HTTP and WebSocket;
 * with TRUSTED_DOCUMENTS=only nothing else runs, and what is refused is refused before it is parsed.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config.js';
import { createGateway } from '../../src/server/gateway.js';
import { documentHash } from '../../src/graphql/trusted-documents.js';
import { gql, startStack, type Stack } from '../support/gateway.js';
import { firstErrorCode, wsClient } from '../support/ws.js';

const LIST = 'query Recent { messages(first: 2) { nodes { sid } } }';
const PREVIEW = 'query Preview($body: String!) { messagePreview(body: $body) { segments encoding } }';
const SEND = 'mutation Send($body: String!) { createMessage(input: { to: "+14155550100", from: "+15005550006", body: $body }) { message { sid } } }';
const STATUS = 'subscription Status($sid: ID!) { messageStatusChanged(sid: $sid) { sid status } }';
const dir = mkdtempSync(join(tmpdir(), 'trusted-'));
const manifest = join(dir, 'persisted-documents.json');
writeFileSync(manifest, JSON.stringify(Object.fromEntries([LIST, PREVIEW, STATUS, SEND].map((d) => [`sha256:${documentHash(d)}`, d]))));
const byHash = (document: string) => ({ persistedQuery: { version: 1, sha256Hash: documentHash(document) } });

/** A GraphQL POST with any body (gql() always sends `query`). */
async function post(url: string, body: unknown): Promise<{ status: number; json: { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> } }> {
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as never };
}

describe('trusted documents, TRUSTED_DOCUMENTS=only', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ PERSISTED_DOCUMENTS: manifest, TRUSTED_DOCUMENTS: 'only' });
    for (const body of ['one', 'two']) expect((await post(stack.url, { extensions: byHash(SEND), variables: { body } })).status).toBe(200);
  });
  afterAll(async () => stack.stop());

  it('runs a manifest document named by hash alone, by POST and by GET, or sent in full', async () => {
    const posted = await post(stack.url, { extensions: byHash(PREVIEW), variables: { body: 'héllo' }, operationName: 'Preview' });
    expect(posted).toMatchObject({ status: 200, json: { data: { messagePreview: { segments: 1, encoding: 'GSM_7' } } } });
    const search = new URLSearchParams({ extensions: JSON.stringify(byHash(LIST)), operationName: 'Recent' });
    const got = await fetch(`${stack.url}/graphql?${search}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(got.status).toBe(200);
    expect(((await got.json()) as { data: { messages: { nodes: unknown[] } } }).data.messages.nodes).toHaveLength(2);
    expect((await gql(stack.url, LIST)).errors).toBeUndefined();
  });

  it('refuses any other document before parsing it, without a call to Twilio, and an unknown hash', async () => {
    const before = stack.gateway.services.upstream.requests;
    for (const body of [
      { query: '{ messages(first: 1) { nodes { sid } } }' },
      { query: '{ this is not GraphQL' },
      { extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } },
      // Registering a new document the way Apollo's automatic persisted queries do: refused too.
      { query: LIST.replace('2', '3'), extensions: byHash(LIST.replace('2', '3')) },
      [{ query: LIST }],
    ]) {
      const refused = await post(stack.url, body);
      expect(refused.status).toBe(400);
      expect(refused.json.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    }
    expect(stack.gateway.services.upstream.requests).toBe(before);
  });

  it('does the same over WebSocket: a subscription named by hash runs, another document is refused', async () => {
    const sid = (await gql<{ messages: { nodes: Array<{ sid: string }> } }>(stack.url, LIST)).data!.messages.nodes[0]!.sid;
    const client = wsClient(stack.url);
    try {
      expect(await firstErrorCode(client, { query: 'subscription { messageEvents { cursor } }' })).toBe('PERSISTED_QUERY_NOT_IN_LIST');
      // graphql-ws's client sends `query` as given: empty, with the hash in `extensions`.
      const iterator = client.iterate({ query: '', variables: { sid }, extensions: byHash(STATUS) });
      const first = await iterator.next();
      expect(first.value).toMatchObject({ data: { messageStatusChanged: { sid } } });
      await iterator.return?.();
    } finally {
      await client.dispose();
    }
  });
});

describe('trusted documents, TRUSTED_DOCUMENTS=allow (the default)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ PERSISTED_DOCUMENTS: manifest });
    for (const body of ['one', 'two']) await gql(stack.url, SEND, { body });
  });
  afterAll(async () => stack.stop());

  it('runs manifest documents by hash and any other document sent in full; an unknown hash asks for the text', async () => {
    expect((await post(stack.url, { extensions: byHash(LIST) })).json.data).toMatchObject({ messages: { nodes: [{}, {}] } });
    expect((await gql(stack.url, '{ messages(first: 1) { nodes { sid } } }')).errors).toBeUndefined();
    const unknown = await post(stack.url, { extensions: { persistedQuery: { version: 1, sha256Hash: 'e'.repeat(64) } } });
    expect(unknown.json.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    // A request that names no hash reaches Apollo as it came: unreadable extensions are its to refuse, not ours to drop.
    const search = new URLSearchParams({ query: '{ __typename }', extensions: 'not json' });
    const odd = await fetch(`${stack.url}/graphql?${search}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(odd.status).toBe(400);
  });
});

describe('trusted documents configuration', () => {
  it('refuses an unknown TRUSTED_DOCUMENTS, and a manifest that is not JSON or whose keys are not its documents\' hashes', () => {
    expect(() => loadConfig({ TRUSTED_DOCUMENTS: 'sometimes' })).toThrow(ConfigError);
    const forged = join(dir, 'forged.json');
    writeFileSync(forged, JSON.stringify({ [`sha256:${documentHash(LIST)}`]: '{ messages(first: 1000) { nodes { sid } } }' }));
    expect(() => createGateway(loadConfig({ PERSISTED_DOCUMENTS: forged }))).toThrow(/PERSISTED_DOCUMENTS .* does not have that hash/);
    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, 'not json');
    expect(() => createGateway(loadConfig({ PERSISTED_DOCUMENTS: notJson }))).toThrow(ConfigError);
  });
});
