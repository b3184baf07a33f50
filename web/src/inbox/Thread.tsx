/** One conversation: its messages oldest first (bodies, media, each outbound message's live status), then compose. */
import { useEffect, useRef } from 'react';
import { Compose } from './Compose';
import { isInbound, type Conversation, type InboxMessage } from './conversations';
import { displayAddress, longTime, money, sameOriginMedia, shortTime, statusLabel } from './format';

interface Props {
  /** Null for a new message. */
  conversation: Conversation | null;
  defaultFrom: string | null;
  onSent(party: string): void;
}

export function Thread({ conversation, defaultFrom, onSent }: Props) {
  const end = useRef<HTMLLIElement>(null);
  const count = conversation?.messages.length ?? 0;
  // Braces on purpose: Chromium's scrollIntoView now returns a promise, which React would take for a clean-up.
  useEffect(() => {
    end.current?.scrollIntoView({ block: 'end' });
  }, [count]);
  const title = conversation ? displayAddress(conversation.party) : 'New message';
  return (
    <section className="thread" aria-labelledby="thread-title">
      <header className="thread-header">
        <h2 id="thread-title">{title}</h2>
        {conversation && <span className="count">{count} message{count === 1 ? '' : 's'}</span>}
      </header>
      {conversation ? (
        <ol className="messages" aria-label={`Messages with ${title}`}>
          {conversation.messages.map((message) => (
            <Bubble key={message.id} message={message} />
          ))}
          <li ref={end} className="end" aria-hidden="true" />
        </ol>
      ) : (
        <p className="placeholder">Write to any number: the message appears here as it goes out.</p>
      )}
      <Compose to={conversation?.party ?? null} defaultFrom={conversation?.ourNumber ?? defaultFrom} onSent={onSent} />
    </section>
  );
}

function Bubble({ message }: { message: InboxMessage }) {
  const inbound = isInbound(message);
  const status = statusLabel(message.status);
  return (
    <li className={`bubble ${inbound ? 'in' : 'out'}`} data-sid={message.sid} data-status={message.status}>
      {message.media.length > 0 && (
        <div className="media">
          {message.media.map((media) =>
            media.contentType.startsWith('image/') ? (
              <img key={media.id} src={sameOriginMedia(media.url)} alt={`Picture sent ${inbound ? 'to you' : 'by you'} (${media.contentType})`} loading="lazy" />
            ) : (
              <a key={media.id} href={sameOriginMedia(media.url)} download>
                Attachment ({media.contentType})
              </a>
            ),
          )}
        </div>
      )}
      {message.body && <p className="body">{message.body}</p>}
      <p className="meta">
        <time dateTime={message.dateCreated} title={longTime(message.dateCreated)}>
          {shortTime(message.dateCreated)}
        </time>
        {!inbound && (
          <>
            {' · '}
            <span className={`status ${status.tone}`} aria-label={`Status: ${status.text}`}>
              {status.text}
            </span>
            {message.price && Number(message.price.amount) !== 0 && <> · {money(message.price.amount, message.price.currency)}</>}
          </>
        )}
      </p>
      {message.errorMessage && (
        <p className="error-detail">
          {message.errorMessage}
          {message.errorCode ? ` (${message.errorCode})` : ''}
        </p>
      )}
    </li>
  );
}
