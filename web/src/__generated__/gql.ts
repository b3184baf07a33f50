/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "fragment InboxMessage on Message {\n  id\n  sid\n  from\n  to\n  body\n  status\n  direction\n  numSegments\n  numMedia\n  price {\n    amount\n    currency\n  }\n  errorCode\n  errorMessage\n  dateCreated\n  dateSent\n  media {\n    id\n    contentType\n    url\n  }\n}\n\nquery Inbox($first: Int!) {\n  messages(first: $first) {\n    nodes {\n      ...InboxMessage\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}\n\nquery ComposePreview($body: String!, $mediaCount: Int) {\n  messagePreview(body: $body, mediaCount: $mediaCount) {\n    encoding\n    segments\n    characters\n    charactersPerSegment\n    unicodeCharacters\n    estimatedPrice {\n      amount\n      currency\n    }\n  }\n}\n\nmutation SendMessage($input: CreateMessageInput!) {\n  createMessage(input: $input) {\n    message {\n      ...InboxMessage\n    }\n    userErrors {\n      field\n      code\n      message\n    }\n  }\n}\n\nsubscription InboxEvents($after: String) {\n  messageEvents(after: $after) {\n    cursor\n    type\n    occurredAt\n    message {\n      ...InboxMessage\n    }\n  }\n}": typeof types.InboxMessageFragmentDoc,
};
const documents: Documents = {
    "fragment InboxMessage on Message {\n  id\n  sid\n  from\n  to\n  body\n  status\n  direction\n  numSegments\n  numMedia\n  price {\n    amount\n    currency\n  }\n  errorCode\n  errorMessage\n  dateCreated\n  dateSent\n  media {\n    id\n    contentType\n    url\n  }\n}\n\nquery Inbox($first: Int!) {\n  messages(first: $first) {\n    nodes {\n      ...InboxMessage\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}\n\nquery ComposePreview($body: String!, $mediaCount: Int) {\n  messagePreview(body: $body, mediaCount: $mediaCount) {\n    encoding\n    segments\n    characters\n    charactersPerSegment\n    unicodeCharacters\n    estimatedPrice {\n      amount\n      currency\n    }\n  }\n}\n\nmutation SendMessage($input: CreateMessageInput!) {\n  createMessage(input: $input) {\n    message {\n      ...InboxMessage\n    }\n    userErrors {\n      field\n      code\n      message\n    }\n  }\n}\n\nsubscription InboxEvents($after: String) {\n  messageEvents(after: $after) {\n    cursor\n    type\n    occurredAt\n    message {\n      ...InboxMessage\n    }\n  }\n}": types.InboxMessageFragmentDoc,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment InboxMessage on Message {\n  id\n  sid\n  from\n  to\n  body\n  status\n  direction\n  numSegments\n  numMedia\n  price {\n    amount\n    currency\n  }\n  errorCode\n  errorMessage\n  dateCreated\n  dateSent\n  media {\n    id\n    contentType\n    url\n  }\n}\n\nquery Inbox($first: Int!) {\n  messages(first: $first) {\n    nodes {\n      ...InboxMessage\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}\n\nquery ComposePreview($body: String!, $mediaCount: Int) {\n  messagePreview(body: $body, mediaCount: $mediaCount) {\n    encoding\n    segments\n    characters\n    charactersPerSegment\n    unicodeCharacters\n    estimatedPrice {\n      amount\n      currency\n    }\n  }\n}\n\nmutation SendMessage($input: CreateMessageInput!) {\n  createMessage(input: $input) {\n    message {\n      ...InboxMessage\n    }\n    userErrors {\n      field\n      code\n      message\n    }\n  }\n}\n\nsubscription InboxEvents($after: String) {\n  messageEvents(after: $after) {\n    cursor\n    type\n    occurredAt\n    message {\n      ...InboxMessage\n    }\n  }\n}"): (typeof documents)["fragment InboxMessage on Message {\n  id\n  sid\n  from\n  to\n  body\n  status\n  direction\n  numSegments\n  numMedia\n  price {\n    amount\n    currency\n  }\n  errorCode\n  errorMessage\n  dateCreated\n  dateSent\n  media {\n    id\n    contentType\n    url\n  }\n}\n\nquery Inbox($first: Int!) {\n  messages(first: $first) {\n    nodes {\n      ...InboxMessage\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}\n\nquery ComposePreview($body: String!, $mediaCount: Int) {\n  messagePreview(body: $body, mediaCount: $mediaCount) {\n    encoding\n    segments\n    characters\n    charactersPerSegment\n    unicodeCharacters\n    estimatedPrice {\n      amount\n      currency\n    }\n  }\n}\n\nmutation SendMessage($input: CreateMessageInput!) {\n  createMessage(input: $input) {\n    message {\n      ...InboxMessage\n    }\n    userErrors {\n      field\n      code\n      message\n    }\n  }\n}\n\nsubscription InboxEvents($after: String) {\n  messageEvents(after: $after) {\n    cursor\n    type\n    occurredAt\n    message {\n      ...InboxMessage\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;