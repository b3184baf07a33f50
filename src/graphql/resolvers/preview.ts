/** `messagePreview`: how a draft would be sent, from the segment counter the emulator uses too. No Twilio call. */
import { estimatedPrice, segmentationOf } from '../../protocol/segments.js';
import type { MessagePreview } from '../../__generated__/resolvers.js';
import { badUserInput } from '../errors.js';

/** Twilio's limits on what one message carries. */
export const MAX_BODY_CHARACTERS = 1600;
export const MAX_MEDIA = 10;

/** The preview of a body with `mediaCount` media attached. */
export function messagePreview(body: string, mediaCount: number | null | undefined): MessagePreview {
  const media = mediaCount ?? 0;
  if (body.length > MAX_BODY_CHARACTERS) throw badUserInput(`body is at most ${MAX_BODY_CHARACTERS} characters (Twilio's limit); got ${body.length}`);
  if (!Number.isInteger(media) || media < 0 || media > MAX_MEDIA) throw badUserInput(`mediaCount must be from 0 to ${MAX_MEDIA}, got ${media}`);
  const s = segmentationOf(body);
  return {
    encoding: s.encoding === 'GSM-7' ? 'GSM_7' : 'UCS_2',
    segments: s.segments,
    characters: s.characters,
    charactersPerSegment: s.charactersPerSegment,
    unicodeCharacters: s.unicodeCharacters,
    estimatedPrice: { amount: estimatedPrice(s.segments, media > 0), currency: 'USD' },
  };
}
