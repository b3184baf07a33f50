/**
 * The inbox: conversations on the left, the open thread and its compose box on the right, a live indicator on top.
 * Data: one `Inbox` query (the newest page of messages) kept current by `messageEvents` (events.ts).
 */
import { useMemo, useState } from 'react';
import { ServerError } from '@apollo/client';
import { useApolloClient, useQuery } from '@apollo/client/react';
import type { Client } from 'graphql-ws';
import { InboxDocument } from '../__generated__/graphql';
import { savedApiKey } from './auth';
import { groupConversations, usualNumber } from './conversations';
import { ConversationList } from './ConversationList';
import { useInboxEvents, type LiveState } from './events';
import { displayAddress } from './format';
import { INBOX_PAGE } from './inbox-cache';
import { KeyPrompt } from './KeyPrompt';
import { Thread } from './Thread';

/** Which pane is open: a conversation (by the other party), or a new message. */
type Selection = { kind: 'conversation'; party: string } | { kind: 'new' } | null;

const LIVE_TEXT: Record<LiveState, string> = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…' };

export function App({ socket }: { socket: Client }) {
  const apollo = useApolloClient();
  const live = useInboxEvents(apollo, socket);
  const { data, error, loading, refetch } = useQuery(InboxDocument, { variables: { first: INBOX_PAGE } });
  const [selection, setSelection] = useState<Selection>(null);
  const messages = data?.messages.nodes;
  const conversations = useMemo(() => groupConversations(messages ?? []), [messages]);
  const ourNumber = useMemo(() => usualNumber(messages ?? []), [messages]);

  if (error && ServerError.is(error) && error.statusCode === 401) return <KeyPrompt refused={savedApiKey() !== null} />;

  // Until someone picks one, the newest conversation is open (or a new message when there is none).
  const open: Selection = selection ?? (conversations[0] ? { kind: 'conversation', party: conversations[0].party } : messages ? { kind: 'new' } : null);
  const conversation = open?.kind === 'conversation' ? conversations.find((c) => c.party === open.party) : undefined;

  return (
    <div className="app">
      <header className="topbar">
        <h1 className="brand">
          <span className="logo" aria-hidden="true">✉</span> Inbox
        </h1>
        {ourNumber && <span className="our-number">on {displayAddress(ourNumber)}</span>}
        <span className={`live live-${live}`} role="status" aria-live="polite">
          <span className="dot" aria-hidden="true" /> {LIVE_TEXT[live]}
        </span>
        <a className="explorer-link" href="/graphql">
          API explorer
        </a>
      </header>
      <div className="panes">
        <nav className="sidebar" aria-label="Conversations">
          <button type="button" className="new-message" onClick={() => setSelection({ kind: 'new' })} aria-pressed={open?.kind === 'new'}>
            + New message
          </button>
          {loading && !data ? (
            <p className="placeholder" role="status">
              Loading conversations…
            </p>
          ) : error && !data ? (
            <div className="placeholder error" role="alert">
              <p>Couldn’t load your messages: {error.message}</p>
              <button type="button" onClick={() => void refetch()}>
                Try again
              </button>
            </div>
          ) : conversations.length === 0 ? (
            <p className="placeholder">No messages yet. Start one with “New message”.</p>
          ) : (
            <ConversationList
              conversations={conversations}
              selected={open?.kind === 'conversation' ? open.party : null}
              onSelect={(party) => setSelection({ kind: 'conversation', party })}
            />
          )}
        </nav>
        <main className="main">
          {open === null ? (
            <p className="placeholder">{loading ? 'Loading…' : 'Pick a conversation.'}</p>
          ) : (
            <Thread
              key={open.kind === 'conversation' ? open.party : 'new'}
              conversation={conversation ?? null}
              defaultFrom={conversation?.ourNumber ?? ourNumber}
              onSent={(party) => setSelection({ kind: 'conversation', party })}
            />
          )}
        </main>
      </div>
    </div>
  );
}
