/**
 * Trusted documents: the operations a frontend was built with, from the manifest codegen writes
 * (`PERSISTED_DOCUMENTS`, `{ "<sha256>": "<document>" }`). A client may send a document's hash instead of its
 * text, in Apollo's persisted-query format (`extensions.persistedQuery.sha256Hash`); with
 * `TRUSTED_DOCUMENTS=only`, nothing else runs: any other document is refused before it is parsed.
 */
import { createHash } from 'node:crypto';

/** What a request names: the text to run (and the extensions to pass on), or a refusal. */
export type Resolved = { query: unknown; extensions: unknown } | { refused: string };

const HASH = /^[0-9a-f]{64}$/;

/** The sha256 of a document's text, in hex: the manifest's key for it. */
export const documentHash = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The hash a request names, if it names one in Apollo's format. */
function namedHash(extensions: unknown): string | null {
  const persisted = (extensions as { persistedQuery?: { sha256Hash?: unknown } } | null | undefined)?.persistedQuery;
  const hash = persisted?.sha256Hash;
  return typeof hash === 'string' && HASH.test(hash) ? hash : null;
}

/** The manifest's documents by hash, and whether only they may run. */
export class TrustedDocuments {
  constructor(
    private readonly byHash: ReadonlyMap<string, string>,
    readonly only: boolean,
  ) {}

  /** Documents in the manifest. */
  get size(): number {
    return this.byHash.size;
  }

  /**
   * The document a request names by `query` (its text) and `extensions`. A known hash gives the manifest's
   * text (whatever text came with it) and drops the persisted-query extension, so that Apollo's own cache of
   * persisted queries neither checks nor stores it. An unknown hash is left to Apollo (which asks the client
   * for the text), unless only trusted documents may run.
   */
  resolve(query: unknown, extensions: unknown): Resolved {
    const hash = namedHash(extensions);
    const known = hash === null ? undefined : this.byHash.get(hash);
    if (known !== undefined) {
      const { persistedQuery: _named, ...rest } = extensions as Record<string, unknown>;
      return { query: known, extensions: Object.keys(rest).length > 0 ? rest : undefined };
    }
    if (!this.only) return { query, extensions };
    if (hash === null && typeof query === 'string' && this.byHash.has(documentHash(query))) return { query, extensions };
    return { refused: 'Only the documents this gateway was built with may run here (TRUSTED_DOCUMENTS=only): send one of them, by hash.' };
  }
}

/**
 * Reads a manifest (codegen's client preset writes keys as `sha256:<hex>`; plain hex is taken too). Throws with
 * a one-line reason when it is not a manifest, or when a key is not the hash of its document.
 */
export function parseManifest(json: string): Map<string, string> {
  const parsed = JSON.parse(json) as unknown;
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('it is not a JSON object of hashes to documents');
  const byHash = new Map<string, string>();
  for (const [key, text] of Object.entries(parsed)) {
    const hash = key.startsWith('sha256:') ? key.slice('sha256:'.length) : key;
    if (!HASH.test(hash) || typeof text !== 'string') throw new Error(`"${key.slice(0, 80)}" is not a sha256 hash of a document`);
    if (documentHash(text) !== hash) throw new Error(`the document under ${key.slice(0, 80)} does not have that hash`);
    byHash.set(hash, text);
  }
  return byHash;
}
