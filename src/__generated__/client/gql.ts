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
    "fragment MessageFields on Message {\n  id\n  sid\n  accountSid\n  messagingServiceSid\n  from\n  to\n  body\n  status\n  direction\n  numSegments\n  numMedia\n  price {\n    amount\n    currency\n  }\n  errorCode\n  errorMessage\n  dateCreated\n  dateUpdated\n  dateSent\n  media {\n    id\n    sid\n    parentSid\n    contentType\n    url\n    dateCreated\n  }\n}\n\nquery RecentMessages($first: Int, $after: String, $filter: MessageFilter) {\n  messages(first: $first, after: $after, filter: $filter) {\n    edges {\n      cursor\n      node {\n        ...MessageFields\n      }\n    }\n    pageInfo {\n      hasNextPage\n      hasPreviousPage\n      startCursor\n      endCursor\n    }\n  }\n}\n\nquery MessageBySid($sid: ID!) {\n  message(sid: $sid) {\n    ...MessageFields\n  }\n}\n\nmutation SendMessage($input: CreateMessageInput!) {\n  createMessage(input: $input) {\n    message {\n      ...MessageFields\n    }\n    userErrors {\n      field\n      message\n      code\n      twilioCode\n      moreInfo\n    }\n  }\n}\n\nquery MessagePreview($body: String!, $mediaCount: Int) {\n  messagePreview(body: $body, mediaCount: $mediaCount) {\n    encoding\n    segments\n    characters\n    charactersPerSegment\n    unicodeCharacters\n    estimatedPrice {\n      amount\n      currency\n    }\n  }\n}": typeof types.MessageFieldsFragmentDoc,
};
const documents: Documents = {
    "fragment MessageFields on Message {\n  id\n  sid\n  accountSid\n  messagingServiceSid\n  from\n  to\n  body\n  status\n  direction\n  numSegments\n  numMedia\n  price {\n    amount\n    currency\n  }\n  errorCode\n  errorMessage\n  dateCreated\n  dateUpdated\n  dateSent\n  media {\n    id\n    sid\n    parentSid\n    contentType\n    url\n    dateCreated\n  }\n}\n\nquery RecentMessages($first: Int, $after: String, $filter: MessageFilter) {\n  messages(first: $first, after: $after, filter: $filter) {\n    edges {\n      cursor\n      node {\n        ...MessageFields\n      }\n    }\n    pageInfo {\n      hasNextPage\n      hasPreviousPage\n      startCursor\n      endCursor\n    }\n  }\n}\n\nquery MessageBySid($sid: ID!) {\n  message(sid: $sid) {\n    ...MessageFields\n  }\n}\n\nmutation SendMessage($input: CreateMessageInput!) {\n  createMessage(input: $input) {\n    message {\n      ...MessageFields\n    }\n    userErrors {\n      field\n      message\n      code\n      twilioCode\n      moreInfo\n    }\n  }\n}\n\nquery MessagePreview($body: String!, $mediaCount: Int) {\n  messagePreview(body: $body, mediaCount: $mediaCount) {\n    encoding\n    segments\n    characters\n    charactersPerSegment\n    unicodeCharacters\n    estimatedPrice {\n      amount\n      currency\n    }\n  }\n}": types.MessageFieldsFragmentDoc,
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
export function graphql(source: "fragment MessageFields on Message {\n  id\n  sid\n  accountSid\n  messagingServiceSid\n  from\n  to\n  body\n  status\n  direction\n  numSegments\n  numMedia\n  price {\n    amount\n    currency\n  }\n  errorCode\n  errorMessage\n  dateCreated\n  dateUpdated\n  dateSent\n  media {\n    id\n    sid\n    parentSid\n    contentType\n    url\n    dateCreated\n  }\n}\n\nquery RecentMessages($first: Int, $after: String, $filter: MessageFilter) {\n  messages(first: $first, after: $after, filter: $filter) {\n    edges {\n      cursor\n      node {\n        ...MessageFields\n      }\n    }\n    pageInfo {\n      hasNextPage\n      hasPreviousPage\n      startCursor\n      endCursor\n    }\n  }\n}\n\nquery MessageBySid($sid: ID!) {\n  message(sid: $sid) {\n    ...MessageFields\n  }\n}\n\nmutation SendMessage($input: CreateMessageInput!) {\n  createMessage(input: $input) {\n    message {\n      ...MessageFields\n    }\n    userErrors {\n      field\n      message\n      code\n      twilioCode\n      moreInfo\n    }\n  }\n}\n\nquery MessagePreview($body: String!, $mediaCount: Int) {\n  messagePreview(body: $body, mediaCount: $mediaCount) {\n    encoding\n    segments\n    characters\n    charactersPerSegment\n    unicodeCharacters\n    estimatedPrice {\n      amount\n      currency\n    }\n  }\n}"): (typeof documents)["fragment MessageFields on Message {\n  id\n  sid\n  accountSid\n  messagingServiceSid\n  from\n  to\n  body\n  status\n  direction\n  numSegments\n  numMedia\n  price {\n    amount\n    currency\n  }\n  errorCode\n  errorMessage\n  dateCreated\n  dateUpdated\n  dateSent\n  media {\n    id\n    sid\n    parentSid\n    contentType\n    url\n    dateCreated\n  }\n}\n\nquery RecentMessages($first: Int, $after: String, $filter: MessageFilter) {\n  messages(first: $first, after: $after, filter: $filter) {\n    edges {\n      cursor\n      node {\n        ...MessageFields\n      }\n    }\n    pageInfo {\n      hasNextPage\n      hasPreviousPage\n      startCursor\n      endCursor\n    }\n  }\n}\n\nquery MessageBySid($sid: ID!) {\n  message(sid: $sid) {\n    ...MessageFields\n  }\n}\n\nmutation SendMessage($input: CreateMessageInput!) {\n  createMessage(input: $input) {\n    message {\n      ...MessageFields\n    }\n    userErrors {\n      field\n      message\n      code\n      twilioCode\n      moreInfo\n    }\n  }\n}\n\nquery MessagePreview($body: String!, $mediaCount: Int) {\n  messagePreview(body: $body, mediaCount: $mediaCount) {\n    encoding\n    segments\n    characters\n    charactersPerSegment\n    unicodeCharacters\n    estimatedPrice {\n      amount\n      currency\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;