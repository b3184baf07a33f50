/** Messages grouped into conversations: one per other party, newest conversation first, each thread oldest first. */
import type { InboxMessageFragment } from '../__generated__/graphql';

export type InboxMessage = InboxMessageFragment;

/** One conversation: the other party, the account's number it runs on, and its messages, oldest first. */
export interface Conversation {
  party: string;
  /** The number of ours that the last message went through (what a reply is sent from). */
  ourNumber: string | null;
  messages: InboxMessage[];
  last: InboxMessage;
}

/** Whether a message came in to the account (the rest went out). */
export const isInbound = (message: Pick<InboxMessage, 'direction'>): boolean => message.direction === 'INBOUND';

/** The other party of a message: who sent it to us, or whom we sent it to. */
export const partyOf = (message: InboxMessage): string => (isInbound(message) ? message.from : message.to) ?? 'unknown';

/** Our side of a message. */
const ourSideOf = (message: InboxMessage): string | null => (isInbound(message) ? message.to : message.from);

/** When a message happened, in ms (created is always set; sent only once it went out). */
export const timeOf = (message: Pick<InboxMessage, 'dateCreated'>): number => Date.parse(message.dateCreated);

/**
 * Groups messages by the other party; conversations newest first, messages in each oldest first. `messages` come
 * newest first (the gateway's order, with live arrivals put in front): Twilio's dates have whole seconds, so
 * messages of the same second keep that order.
 */
export function groupConversations(messages: readonly InboxMessage[]): Conversation[] {
  const age = new Map(messages.map((message, index) => [message.id, index]));
  const older = (a: InboxMessage, b: InboxMessage): number => timeOf(a) - timeOf(b) || age.get(b.id)! - age.get(a.id)!;
  const byParty = new Map<string, InboxMessage[]>();
  for (const message of messages) {
    const party = partyOf(message);
    const list = byParty.get(party);
    if (list) list.push(message);
    else byParty.set(party, [message]);
  }
  const conversations: Conversation[] = [];
  for (const [party, list] of byParty) {
    const thread = [...list].sort(older);
    const last = thread[thread.length - 1]!;
    const ours = [...thread].reverse().map(ourSideOf).find((number) => number !== null) ?? null;
    conversations.push({ party, ourNumber: ours, messages: thread, last });
  }
  return conversations.sort((a, b) => older(b.last, a.last));
}

/** The number the account most often uses: the default sender of a new conversation. */
export function usualNumber(messages: readonly InboxMessage[]): string | null {
  const counts = new Map<string, number>();
  for (const message of messages) {
    const ours = ourSideOf(message);
    // Channel addresses (whatsapp:…) are per channel; a plain number is the general default.
    if (ours && ours.startsWith('+')) counts.set(ours, (counts.get(ours) ?? 0) + 1);
  }
  let best: string | null = null;
  for (const [number, count] of counts) if (best === null || count > counts.get(best)!) best = number;
  return best;
}
