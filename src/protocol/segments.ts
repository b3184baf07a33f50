/**
 * SMS segmentation as carriers do it: GSM-7 text fits 160 septets in one segment and 153 per segment
 * when concatenated; anything else is UCS-2 with 70 and 67 UTF-16 code units.
 */

const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** Characters of the GSM-7 extension table: each costs an escape plus itself, two septets. */
const GSM7_EXTENDED = '^{}\\[~]|€\f';

const basic = new Set(GSM7_BASIC);
const extended = new Set(GSM7_EXTENDED);

/** How a body is sent: its encoding, segments, and what decides them. */
export interface Segmentation {
  encoding: 'GSM-7' | 'UCS-2';
  segments: number;
  /** Units the body takes in its encoding: septets for GSM-7 (extension characters count two), UTF-16 code units for UCS-2. */
  characters: number;
  /** Units that fit in one segment: 160/153 (GSM-7) or 70/67 (UCS-2), single or concatenated. */
  charactersPerSegment: number;
  /** The characters that are not GSM-7 and so make the body UCS-2, each once, in order of appearance. */
  unicodeCharacters: string[];
}

/** Segments the body of an SMS as carriers do. An empty body is one segment. */
export function segmentationOf(body: string): Segmentation {
  let septets = 0;
  const unicode = new Set<string>();
  for (const ch of body) {
    if (basic.has(ch)) septets += 1;
    else if (extended.has(ch)) septets += 2;
    else unicode.add(ch);
  }
  if (unicode.size > 0) {
    const units = body.length;
    const single = units <= 70;
    return { encoding: 'UCS-2', segments: single ? 1 : Math.ceil(units / 67), characters: units, charactersPerSegment: single ? 70 : 67, unicodeCharacters: [...unicode] };
  }
  const single = septets <= 160;
  return { encoding: 'GSM-7', segments: single ? 1 : Math.ceil(septets / 153), characters: septets, charactersPerSegment: single ? 160 : 153, unicodeCharacters: [] };
}

/** The encoding a body is sent in and how many segments it takes. An empty body is one segment. */
export function segmentsOf(body: string): { encoding: 'GSM-7' | 'UCS-2'; segments: number } {
  const { encoding, segments } = segmentationOf(body);
  return { encoding, segments };
}

/** What a message costs per segment in the United States, in USD (Twilio's list price): SMS and MMS. */
export const US_PRICE_PER_SEGMENT = { sms: 0.0079, mms: 0.02 } as const;

/** Twilio's price string for a message of `segments` (negative: a charge), five decimals as Twilio writes it. */
export function estimatedPrice(segments: number, withMedia: boolean): string {
  return (-(withMedia ? US_PRICE_PER_SEGMENT.mms : US_PRICE_PER_SEGMENT.sms) * segments).toFixed(5);
}
