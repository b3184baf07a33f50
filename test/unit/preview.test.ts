/** The draft preview and the segment counter it shares with the emulator. */
import { messagePreview } from '../../src/graphql/resolvers/preview.js';
import { segmentationOf } from '../../src/protocol/segments.js';

describe('segmentationOf', () => {
  it.each([
    ['', 'GSM-7', 1, 0, 160],
    ['a'.repeat(160), 'GSM-7', 1, 160, 160],
    ['a'.repeat(161), 'GSM-7', 2, 161, 153],
    ['a'.repeat(306), 'GSM-7', 2, 306, 153],
    ['a'.repeat(307), 'GSM-7', 3, 307, 153],
    // An extension character costs an escape and itself.
    ['€'.repeat(80), 'GSM-7', 1, 160, 160],
    ['€'.repeat(80) + 'a', 'GSM-7', 2, 161, 153],
    ['é'.repeat(160), 'GSM-7', 1, 160, 160],
    ['ü' + 'ç'.repeat(69), 'UCS-2', 1, 70, 70],
    ['ç'.repeat(71), 'UCS-2', 2, 71, 67],
    // An emoji is two UTF-16 code units.
    ['🙂'.repeat(35), 'UCS-2', 1, 70, 70],
    ['🙂'.repeat(36), 'UCS-2', 2, 72, 67],
  ] as const)('%j is %s in %i segment(s), %i units, %i per segment', (body, encoding, segments, characters, perSegment) => {
    expect(segmentationOf(body)).toMatchObject({ encoding, segments, characters, charactersPerSegment: perSegment });
  });

  it('names the characters that force UCS-2, each once, in order', () => {
    expect(segmentationOf('Café “ok” — ça va? 🙂 “').unicodeCharacters).toEqual(['“', '”', '—', 'ç', '🙂']);
    expect(segmentationOf('Plain text, with € and {braces}').unicodeCharacters).toEqual([]);
  });
});

describe('messagePreview', () => {
  it('prices segments at the SMS rate, or the MMS rate with media', () => {
    expect(messagePreview('a'.repeat(161), 0)).toEqual({
      encoding: 'GSM_7', segments: 2, characters: 161, charactersPerSegment: 153, unicodeCharacters: [],
      estimatedPrice: { amount: '-0.01580', currency: 'USD' },
    });
    expect(messagePreview('hi', 2).estimatedPrice).toEqual({ amount: '-0.02000', currency: 'USD' });
    expect(messagePreview('hi', null).estimatedPrice).toEqual({ amount: '-0.00790', currency: 'USD' });
  });

  it('refuses what Twilio would', () => {
    expect(() => messagePreview('a'.repeat(1601), 0)).toThrow('body is at most 1600 characters');
    expect(() => messagePreview('hi', 11)).toThrow('mediaCount must be from 0 to 10, got 11');
    expect(() => messagePreview('hi', -1)).toThrow('mediaCount must be from 0 to 10, got -1');
  });
});
