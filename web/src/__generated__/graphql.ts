/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** Keep or obfuscate a message's addresses after sending. */
export type AddressRetention =
  /** Obfuscate the addresses after sending. */
  | 'OBFUSCATE'
  /** Keep the addresses. */
  | 'RETAIN';

/** Keep or discard a message's body after sending. */
export type ContentRetention =
  /** Discard the body after sending. */
  | 'DISCARD'
  /** Keep the body. */
  | 'RETAIN';

/** What to send. Give `from` or `messagingServiceSid`, and `body`, `mediaUrls` or `contentSid`. */
export type CreateMessageInput = {
  /** Keep or obfuscate the addresses after sending. */
  addressRetention?: AddressRetention | null | undefined;
  /** The text, up to 1600 characters. */
  body?: string | null | undefined;
  /** Keep or discard the message body after sending. */
  contentRetention?: ContentRetention | null | undefined;
  /** A Content template to send (`HX…`). */
  contentSid?: string | number | null | undefined;
  /** Values for the template's variables, as a JSON object in a string, e.g. `{"1":"Ana"}`. */
  contentVariables?: string | null | undefined;
  /** The sender: one of the account's numbers, a short code, an alphanumeric sender ID or a channel address. */
  from?: string | null | undefined;
  /**
   * Makes the send safe to retry: a second createMessage with the same key and the same input (within 24 hours)
   * sends nothing and returns the first one's message as it is now. The same key with other input is the userError
   * `IDEMPOTENCY_KEY_REUSED`. 1 to 255 visible ASCII characters (a UUID works).
   */
  idempotencyKey?: string | null | undefined;
  /** Up to 10 public URLs of media to attach (makes it an MMS). */
  mediaUrls?: Array<string> | null | undefined;
  /** Send through this Messaging Service (`MG…`); it picks the sender when `from` is not given. */
  messagingServiceSid?: string | number | null | undefined;
  /** Rich actions for channels that support them, e.g. a WhatsApp location. */
  persistentActions?: Array<string> | null | undefined;
  /** Record whether the recipient acted on the message (the Feedback resource). */
  provideFeedback?: boolean | null | undefined;
  /** Turn Twilio's SMS-pumping risk check on or off for this message. */
  riskCheck?: RiskCheck | null | undefined;
  /** Send as MMS even with no media. */
  sendAsMms?: boolean | null | undefined;
  /** Schedule the send for this time (15 minutes to 35 days ahead); needs `messagingServiceSid` (without one it is a userError, never an early send). */
  sendAt?: string | null | undefined;
  /** Shorten links in the body (needs a Messaging Service with link shortening). */
  shortenUrls?: boolean | null | undefined;
  /** Replace Unicode look-alike characters with GSM-7 ones, to save segments. */
  smartEncoded?: boolean | null | undefined;
  /** Where Twilio posts status changes. */
  statusCallback?: string | null | undefined;
  /** The recipient: E.164 (`+14155550100`) or a channel address (`whatsapp:+14155550100`). */
  to: string;
  /** Seconds the message may wait in Twilio's queue, 1 to 36000. */
  validityPeriod?: number | null | undefined;
};

/** The direction of a message. */
export type MessageDirection =
  /** Received by one of the account's numbers. */
  | 'INBOUND'
  /** Sent through the REST API. */
  | 'OUTBOUND_API'
  /** Sent during a call. */
  | 'OUTBOUND_CALL'
  /** Sent as a reply to an inbound message (TwiML). */
  | 'OUTBOUND_REPLY';

/** How an SMS body is encoded. */
export type MessageEncoding =
  /** The GSM 03.38 alphabet: 160 characters in one segment. */
  | 'GSM_7'
  /** UTF-16: 70 code units in one segment. */
  | 'UCS_2';

/** Kinds of message event. */
export type MessageEventType =
  /** A message came in to one of the account's numbers. */
  | 'RECEIVED'
  /** A message moved forward in its lifecycle. */
  | 'STATUS_CHANGED';

/** Every status Twilio reports for a message. */
export type MessageStatus =
  /** Accepted by a Messaging Service that has not yet picked a sender. */
  | 'ACCEPTED'
  /** A scheduled message that was canceled. */
  | 'CANCELED'
  /** The carrier confirmed delivery. */
  | 'DELIVERED'
  /** Could not be sent; see `errorCode`. */
  | 'FAILED'
  /** Some parts delivered. */
  | 'PARTIALLY_DELIVERED'
  /** Waiting to be sent. */
  | 'QUEUED'
  /** Read by the recipient (WhatsApp and other channels). */
  | 'READ'
  /** An inbound message received. */
  | 'RECEIVED'
  /** An inbound message being received. */
  | 'RECEIVING'
  /** Waiting for its `sendAt` time. */
  | 'SCHEDULED'
  /** Being handed to the carrier. */
  | 'SENDING'
  /** Handed to the carrier. */
  | 'SENT'
  /** The carrier reported that it could not deliver; see `errorCode`. */
  | 'UNDELIVERED';

/** Twilio's SMS-pumping risk check. */
export type RiskCheck =
  /** Do not check. */
  | 'DISABLE'
  /** Check (Twilio's default). */
  | 'ENABLE';

export type InboxMessageFragment = { __typename: 'Message', id: string, sid: string, from: string | null, to: string, body: string | null, status: MessageStatus, direction: MessageDirection, numSegments: number, numMedia: number, errorCode: number | null, errorMessage: string | null, dateCreated: string, dateSent: string | null, price: { __typename: 'Money', amount: string, currency: string } | null, media: Array<{ __typename: 'Media', id: string, contentType: string, url: string }> };

export type InboxQueryVariables = Exact<{
  first: number;
}>;


export type InboxQuery = { __typename: 'Query', messages: { __typename: 'MessageConnection', nodes: Array<{ __typename: 'Message', id: string, sid: string, from: string | null, to: string, body: string | null, status: MessageStatus, direction: MessageDirection, numSegments: number, numMedia: number, errorCode: number | null, errorMessage: string | null, dateCreated: string, dateSent: string | null, price: { __typename: 'Money', amount: string, currency: string } | null, media: Array<{ __typename: 'Media', id: string, contentType: string, url: string }> }>, pageInfo: { __typename: 'PageInfo', hasNextPage: boolean, endCursor: string | null } } };

export type ComposePreviewQueryVariables = Exact<{
  body: string;
  mediaCount?: number | null | undefined;
}>;


export type ComposePreviewQuery = { __typename: 'Query', messagePreview: { __typename: 'MessagePreview', encoding: MessageEncoding, segments: number, characters: number, charactersPerSegment: number, unicodeCharacters: Array<string>, estimatedPrice: { __typename: 'Money', amount: string, currency: string } | null } };

export type SendMessageMutationVariables = Exact<{
  input: CreateMessageInput;
}>;


export type SendMessageMutation = { __typename: 'Mutation', createMessage: { __typename: 'CreateMessagePayload', message: { __typename: 'Message', id: string, sid: string, from: string | null, to: string, body: string | null, status: MessageStatus, direction: MessageDirection, numSegments: number, numMedia: number, errorCode: number | null, errorMessage: string | null, dateCreated: string, dateSent: string | null, price: { __typename: 'Money', amount: string, currency: string } | null, media: Array<{ __typename: 'Media', id: string, contentType: string, url: string }> } | null, userErrors: Array<{ __typename: 'UserError', field: Array<string> | null, code: string, message: string }> } };

export type InboxEventsSubscriptionVariables = Exact<{
  after?: string | null | undefined;
}>;


export type InboxEventsSubscription = { messageEvents: { __typename: 'MessageEvent', cursor: string, type: MessageEventType, occurredAt: string, message: { __typename: 'Message', id: string, sid: string, from: string | null, to: string, body: string | null, status: MessageStatus, direction: MessageDirection, numSegments: number, numMedia: number, errorCode: number | null, errorMessage: string | null, dateCreated: string, dateSent: string | null, price: { __typename: 'Money', amount: string, currency: string } | null, media: Array<{ __typename: 'Media', id: string, contentType: string, url: string }> } } };

export const InboxMessageFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"InboxMessage"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Message"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"sid"}},{"kind":"Field","name":{"kind":"Name","value":"from"}},{"kind":"Field","name":{"kind":"Name","value":"to"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"direction"}},{"kind":"Field","name":{"kind":"Name","value":"numSegments"}},{"kind":"Field","name":{"kind":"Name","value":"numMedia"}},{"kind":"Field","name":{"kind":"Name","value":"price"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"errorCode"}},{"kind":"Field","name":{"kind":"Name","value":"errorMessage"}},{"kind":"Field","name":{"kind":"Name","value":"dateCreated"}},{"kind":"Field","name":{"kind":"Name","value":"dateSent"}},{"kind":"Field","name":{"kind":"Name","value":"media"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"contentType"}},{"kind":"Field","name":{"kind":"Name","value":"url"}}]}}]}}]} as unknown as DocumentNode<InboxMessageFragment, unknown>;
export const InboxDocument = {"__meta__":{"hash":"c22a05a0cbb26e9c18725a3e5b0228ef41af0a94d8558f1e82de7c18a3c9db4d"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Inbox"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"messages"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"InboxMessage"}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"InboxMessage"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Message"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"sid"}},{"kind":"Field","name":{"kind":"Name","value":"from"}},{"kind":"Field","name":{"kind":"Name","value":"to"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"direction"}},{"kind":"Field","name":{"kind":"Name","value":"numSegments"}},{"kind":"Field","name":{"kind":"Name","value":"numMedia"}},{"kind":"Field","name":{"kind":"Name","value":"price"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"errorCode"}},{"kind":"Field","name":{"kind":"Name","value":"errorMessage"}},{"kind":"Field","name":{"kind":"Name","value":"dateCreated"}},{"kind":"Field","name":{"kind":"Name","value":"dateSent"}},{"kind":"Field","name":{"kind":"Name","value":"media"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"contentType"}},{"kind":"Field","name":{"kind":"Name","value":"url"}}]}}]}}]} as unknown as DocumentNode<InboxQuery, InboxQueryVariables>;
export const ComposePreviewDocument = {"__meta__":{"hash":"89bed3ebc013e6f63967be94eade5b695b9c6af0e43ba794cd69d359e82b0f7a"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ComposePreview"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"body"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"mediaCount"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"messagePreview"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"body"},"value":{"kind":"Variable","name":{"kind":"Name","value":"body"}}},{"kind":"Argument","name":{"kind":"Name","value":"mediaCount"},"value":{"kind":"Variable","name":{"kind":"Name","value":"mediaCount"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"encoding"}},{"kind":"Field","name":{"kind":"Name","value":"segments"}},{"kind":"Field","name":{"kind":"Name","value":"characters"}},{"kind":"Field","name":{"kind":"Name","value":"charactersPerSegment"}},{"kind":"Field","name":{"kind":"Name","value":"unicodeCharacters"}},{"kind":"Field","name":{"kind":"Name","value":"estimatedPrice"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}}]}}]}}]} as unknown as DocumentNode<ComposePreviewQuery, ComposePreviewQueryVariables>;
export const SendMessageDocument = {"__meta__":{"hash":"2bc8ffd12b7f84610e5c34c5cfbb5e10458f1dff7b047c770ee96db44805397c"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SendMessage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateMessageInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"createMessage"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"message"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"InboxMessage"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"InboxMessage"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Message"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"sid"}},{"kind":"Field","name":{"kind":"Name","value":"from"}},{"kind":"Field","name":{"kind":"Name","value":"to"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"direction"}},{"kind":"Field","name":{"kind":"Name","value":"numSegments"}},{"kind":"Field","name":{"kind":"Name","value":"numMedia"}},{"kind":"Field","name":{"kind":"Name","value":"price"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"errorCode"}},{"kind":"Field","name":{"kind":"Name","value":"errorMessage"}},{"kind":"Field","name":{"kind":"Name","value":"dateCreated"}},{"kind":"Field","name":{"kind":"Name","value":"dateSent"}},{"kind":"Field","name":{"kind":"Name","value":"media"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"contentType"}},{"kind":"Field","name":{"kind":"Name","value":"url"}}]}}]}}]} as unknown as DocumentNode<SendMessageMutation, SendMessageMutationVariables>;
export const InboxEventsDocument = {"__meta__":{"hash":"7d9cae6ec8264efca5ef7769850d4495ba3ee3c4c32a44d03533f198165bf44a"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"InboxEvents"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"messageEvents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"occurredAt"}},{"kind":"Field","name":{"kind":"Name","value":"message"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"InboxMessage"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"InboxMessage"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Message"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"sid"}},{"kind":"Field","name":{"kind":"Name","value":"from"}},{"kind":"Field","name":{"kind":"Name","value":"to"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"direction"}},{"kind":"Field","name":{"kind":"Name","value":"numSegments"}},{"kind":"Field","name":{"kind":"Name","value":"numMedia"}},{"kind":"Field","name":{"kind":"Name","value":"price"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"errorCode"}},{"kind":"Field","name":{"kind":"Name","value":"errorMessage"}},{"kind":"Field","name":{"kind":"Name","value":"dateCreated"}},{"kind":"Field","name":{"kind":"Name","value":"dateSent"}},{"kind":"Field","name":{"kind":"Name","value":"media"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"contentType"}},{"kind":"Field","name":{"kind":"Name","value":"url"}}]}}]}}]} as unknown as DocumentNode<InboxEventsSubscription, InboxEventsSubscriptionVariables>;