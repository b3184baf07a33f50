/** The draft's live preview from the gateway (`messagePreview`): encoding, segments, UCS-2 culprits, price. */
import { skipToken, useQuery } from '@apollo/client/react';
import { ComposePreviewDocument } from '../__generated__/graphql';
import { money } from './format';

export function Preview({ body, id }: { body: string; id: string }) {
  const { data, previousData, error } = useQuery(ComposePreviewDocument, body ? { variables: { body, mediaCount: 0 } } : skipToken);
  const preview = (data ?? previousData)?.messagePreview;
  if (!body) return <p id={id} className="preview muted">Type a message to see how it will be sent.</p>;
  if (error && !preview) return <p id={id} className="preview muted">Preview unavailable: {error.message}</p>;
  if (!preview) return <p id={id} className="preview muted">…</p>;
  const { encoding, segments, characters, charactersPerSegment, unicodeCharacters, estimatedPrice } = preview;
  return (
    <div id={id} className="preview" aria-live="polite">
      <span className={`encoding ${encoding === 'UCS_2' ? 'ucs2' : ''}`}>{encoding === 'UCS_2' ? 'UCS-2' : 'GSM-7'}</span>
      <span>
        {segments} segment{segments === 1 ? '' : 's'}
      </span>
      <span>
        {characters} / {segments > 1 ? charactersPerSegment * segments : charactersPerSegment} characters
      </span>
      {estimatedPrice && <span>about {money(estimatedPrice.amount, estimatedPrice.currency)}</span>}
      {unicodeCharacters.length > 0 && (
        <span className="ucs2-chars">
          UCS-2 because of{' '}
          {unicodeCharacters.map((character) => (
            <kbd key={character}>{character}</kbd>
          ))}
        </span>
      )}
    </div>
  );
}
