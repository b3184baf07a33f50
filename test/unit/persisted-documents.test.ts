/**
 * The inbox's trusted-documents manifest, as codegen writes it (codegen.yml): keys are bare sha256 hex of their
 * document (Apollo's persisted-query format, which the inbox sends), one per operation of web/src.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync(new URL('../../web/src/__generated__/persisted-documents.json', import.meta.url), 'utf8')) as Record<string, string>;

describe('the persisted-documents manifest', () => {
  it('keys each document by the sha256 hex of its text', () => {
    const entries = Object.entries(manifest);
    expect(entries.length).toBeGreaterThan(0);
    for (const [key, text] of entries) expect(key).toBe(createHash('sha256').update(text).digest('hex'));
  });

  it('holds every operation the inbox runs, with __typename for its cache', () => {
    const names = Object.values(manifest).map((text) => /\b(?:query|mutation|subscription) (\w+)/.exec(text)?.[1]);
    expect(names.sort()).toEqual(['ComposePreview', 'Inbox', 'InboxEvents', 'SendMessage']);
    for (const text of Object.values(manifest)) expect(text).toContain('__typename');
  });
});
