/**
 * Trusted documents on the client side: every operation goes out with its hash in Apollo's persisted-query format
 * (`extensions.persistedQuery.sha256Hash`), the key codegen gave it in persisted-documents.json. A gateway running
 * `TRUSTED_DOCUMENTS=only` runs nothing else.
 */
import type { DocumentNode } from 'graphql';
import { createPersistedQueryLink } from '@apollo/client/link/persisted-queries';
import type { ApolloLink } from '@apollo/client';
import * as generated from '../__generated__/graphql';

/** A codegen'd document carries its manifest key in `__meta__.hash` (client preset, `persistedDocuments`). */
interface HashedDocument {
  __meta__: { hash: string };
  definitions: DocumentNode['definitions'];
}

const isHashed = (value: unknown): value is HashedDocument =>
  typeof value === 'object' && value !== null && '__meta__' in value && 'definitions' in value;

/** The first operation's name in a document. */
function operationName(document: Pick<DocumentNode, 'definitions'>): string | undefined {
  for (const definition of document.definitions) if (definition.kind === 'OperationDefinition') return definition.name?.value;
  return undefined;
}

/**
 * Manifest hashes by operation name. Looked up by name rather than read off the document Apollo hands the link,
 * because Apollo's own document transforms copy documents and need not keep codegen's `__meta__`.
 */
const hashes: ReadonlyMap<string, string> = new Map(
  (Object.values(generated) as unknown[])
    .filter(isHashed)
    .flatMap((document) => {
      const name = operationName(document);
      return name ? [[name, document.__meta__.hash] as const] : [];
    }),
);

/** The manifest key of a document the inbox runs. Throws for one it was not built with (a bug: codegen it). */
export function manifestHash(document: DocumentNode): string {
  const name = operationName(document);
  const hash = name === undefined ? undefined : hashes.get(name);
  if (hash === undefined) throw new Error(`"${name ?? 'anonymous'}" is not in the persisted-documents manifest: run npm run codegen`);
  return hash;
}

/**
 * The link that names each operation by hash. Over HTTP the first try sends only the hash; over the socket the
 * text goes along too. `disable` never turns hashes off: a gateway that trusts only its manifest needs them.
 */
export function trustedDocumentsLink(): ApolloLink {
  return createPersistedQueryLink({ generateHash: manifestHash, disable: () => false });
}
