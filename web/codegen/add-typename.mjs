// A codegen document transform (codegen.yml): every selection set gets __typename, so the documents Apollo Client
// runs, the generated types and the persisted-documents manifest all agree on what the gateway is asked.
import { addTypenameSelectionDocumentTransform } from '@graphql-codegen/client-preset';

export const { transform } = addTypenameSelectionDocumentTransform;
