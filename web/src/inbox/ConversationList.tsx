/** The list of conversations: the other party, the last message, its time; arrow keys move between them. */
import { useEffect, useRef, type KeyboardEvent } from 'react';
import type { Conversation } from './conversations';
import { isInbound } from './conversations';
import { displayAddress, longTime, shortTime, statusLabel } from './format';

/** Marks the first time conversations are on screen, for the browser test's first-render measure. */
const FIRST_RENDER_MARK = 'inbox:conversations';

interface Props {
  conversations: readonly Conversation[];
  selected: string | null;
  onSelect(party: string): void;
}

export function ConversationList({ conversations, selected, onSelect }: Props) {
  const list = useRef<HTMLUListElement>(null);
  useEffect(() => {
    if (performance.getEntriesByName(FIRST_RENDER_MARK).length === 0) performance.mark(FIRST_RENDER_MARK);
  }, []);

  // Up/Down move focus through the list, as in a mail client; Tab leaves it.
  const onKeyDown = (event: KeyboardEvent<HTMLUListElement>): void => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const buttons = [...(list.current?.querySelectorAll<HTMLButtonElement>('button') ?? [])];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const next = buttons[Math.max(0, Math.min(buttons.length - 1, at + (event.key === 'ArrowDown' ? 1 : -1)))];
    next?.focus();
    event.preventDefault();
  };

  return (
    <ul className="conversations" ref={list} onKeyDown={onKeyDown}>
      {conversations.map(({ party, last }) => {
        const status = statusLabel(last.status);
        const snippet = last.body || (last.numMedia > 0 ? `📎 ${last.numMedia} attachment${last.numMedia > 1 ? 's' : ''}` : '');
        return (
          <li key={party}>
            <button
              type="button"
              className="conversation"
              aria-current={party === selected ? 'true' : undefined}
              onClick={() => onSelect(party)}
              data-party={party}
            >
              <span className="party">{displayAddress(party)}</span>
              <time className="when" dateTime={last.dateCreated} title={longTime(last.dateCreated)}>
                {shortTime(last.dateCreated)}
              </time>
              <span className="snippet">
                {!isInbound(last) && <span className="you">You: </span>}
                {snippet}
              </span>
              {status.tone === 'bad' && <span className="flag" aria-label={`Last message ${status.text.toLowerCase()}`} title={status.text}>!</span>}
            </button>
          </li>
        );
      })}
    </ul>
  );
}
