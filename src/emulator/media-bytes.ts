/**
 * Real bytes for emulated media, of the media's content type, so that a browser shows an image and a client
 * can check what it downloaded. The emulator never fetches the sender's `MediaUrl` (it has no network); it
 * draws a small picture instead, deterministic per media: a {@link IMAGE_SIZE}-pixel square checkerboard of
 * 8-pixel cells in two colours taken from a hash of the seed (the media SID).
 *
 * Images are encoded here without any dependency: PNG (node:zlib deflate), GIF (uncompressed LZW), baseline
 * JPEG (8×8 blocks of one colour each need only DC coefficients) and lossless WebP (two-symbol prefix codes).
 */
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';

/** Width and height of every generated image, in pixels. */
export const IMAGE_SIZE = 32;
/** Side of one checkerboard cell: 8, one JPEG block, so that every block is of one colour. */
export const CELL_SIZE = 8;

/** A colour. */
export interface Rgb {
  r: number;
  g: number;
  b: number;
}

/** The two colours of a seed's checkerboard: the first from its SHA-256, the second 128 away on every channel. */
export function paletteOf(seed: string): [Rgb, Rgb] {
  const hash = createHash('sha256').update(seed).digest();
  const first = { r: hash[0]!, g: hash[1]!, b: hash[2]! };
  return [first, { r: (first.r + 128) % 256, g: (first.g + 128) % 256, b: (first.b + 128) % 256 }];
}

/** Which of the two colours pixel (x, y) has: 0 or 1. */
export function colourIndexAt(x: number, y: number): 0 | 1 {
  return (Math.floor(x / CELL_SIZE) + Math.floor(y / CELL_SIZE)) % 2 === 0 ? 0 : 1;
}

/**
 * The bytes to serve for a media of `contentType` (parameters and case ignored): a picture for
 * image/png, image/gif, image/jpeg and image/webp; a PNG for any other `image/*` type (browsers sniff
 * images, so it still shows); a vCard for text/vcard; a line of text for other `text/*` types; and 32
 * bytes of the seed's hash for anything else.
 */
export function mediaBytes(contentType: string, seed: string, note = ''): Buffer {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  const palette = paletteOf(seed);
  switch (type) {
    case 'image/gif':
      return encodeGif(palette);
    case 'image/jpeg':
    case 'image/jpg':
      return encodeJpeg(palette);
    case 'image/webp':
      return encodeWebp(palette);
    case 'text/vcard':
    case 'text/x-vcard':
      return Buffer.from(`BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Emulated Contact\r\nNOTE:${seed}\r\nEND:VCARD\r\n`, 'utf8');
  }
  if (type.startsWith('image/')) return encodePng(palette);
  if (type.startsWith('text/')) return Buffer.from(`Emulated media ${seed}${note ? ` (${note})` : ''}\n`, 'utf8');
  return createHash('sha256').update(`${type}|${seed}`).digest();
}

/** CRC-32 (ISO 3309, as PNG uses it), table-driven; node:zlib's crc32 is missing before Node 20.15. */
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 of `bytes`. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A PNG: 8-bit RGB, one IDAT, filter type 0 on every row. */
export function encodePng(palette: [Rgb, Rgb], size = IMAGE_SIZE): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
    return Buffer.concat([head, data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // bit depth 8, colour type 2 (RGB), deflate, adaptive filtering, no interlace
  const raw = Buffer.alloc(size * (1 + 3 * size));
  for (let y = 0; y < size; y++) {
    const row = y * (1 + 3 * size);
    for (let x = 0; x < size; x++) {
      const { r, g, b } = palette[colourIndexAt(x, y)];
      raw.set([r, g, b], row + 1 + 3 * x);
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Writes codes least significant bit first, as GIF's LZW and WebP's VP8L streams do. */
class LsbBitWriter {
  private readonly bytes: number[] = [];
  private acc = 0;
  private bits = 0;
  write(value: number, width: number): void {
    for (let i = 0; i < width; i++) {
      this.acc |= ((value >>> i) & 1) << this.bits;
      if (++this.bits === 8) this.flush();
    }
  }
  /** The bytes written, the last one padded with zero bits. */
  finish(): Buffer {
    if (this.bits > 0) this.flush();
    return Buffer.from(this.bytes);
  }
  private flush(): void {
    this.bytes.push(this.acc);
    this.acc = 0;
    this.bits = 0;
  }
}

/**
 * A GIF89a with a two-colour global table. The LZW stream is "uncompressed": a clear code before every two
 * pixel codes keeps the code width at 3 bits, which every decoder reads the same way.
 */
export function encodeGif(palette: [Rgb, Rgb], size = IMAGE_SIZE): Buffer {
  const CLEAR = 4;
  const END = 5;
  const bits = new LsbBitWriter();
  let sinceClear = 2;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (sinceClear === 2) {
        bits.write(CLEAR, 3);
        sinceClear = 0;
      }
      bits.write(colourIndexAt(x, y), 3);
      sinceClear++;
    }
  }
  bits.write(END, 3);
  const lzw = bits.finish();
  const blocks: number[] = [];
  for (let i = 0; i < lzw.length; i += 255) {
    const block = lzw.subarray(i, i + 255);
    blocks.push(block.length, ...block);
  }
  const le16 = (n: number): number[] => [n & 0xff, n >> 8];
  return Buffer.from([
    ...Buffer.from('GIF89a', 'latin1'),
    ...le16(size), ...le16(size), 0xf0, 0, 0, // global table of 2 entries, 8-bit colour resolution
    ...palette.flatMap((c) => [c.r, c.g, c.b]),
    0x2c, ...le16(0), ...le16(0), ...le16(size), ...le16(size), 0, // image descriptor, no local table
    2, ...blocks, 0, // LZW minimum code size 2, data sub-blocks, terminator
    0x3b,
  ]);
}

/** Canonical Huffman codes from JPEG's BITS (count of codes per length 1..16) and HUFFVAL lists. */
function huffmanCodes(counts: readonly number[], values: readonly number[]): Map<number, { code: number; length: number }> {
  const codes = new Map<number, { code: number; length: number }>();
  let code = 0;
  let k = 0;
  counts.forEach((count, i) => {
    for (let j = 0; j < count; j++) codes.set(values[k++]!, { code: code++, length: i + 1 });
    code <<= 1;
  });
  return codes;
}

/** JPEG's DC luminance table (ITU T.81 Annex K.3), categories 0 to 11. */
const DC_COUNTS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
const DC_VALUES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
/** An AC table with one code, `0`, for end-of-block: every block here is of one colour. */
const AC_COUNTS = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const AC_VALUES = [0x00];

/**
 * A baseline JFIF JPEG, YCbCr 4:4:4, quantisation 1 everywhere. Each 8×8 block is of one colour, so its
 * DCT has only the DC coefficient, 8 × (sample − 128), and decodes back exactly (up to the YCbCr rounding).
 */
export function encodeJpeg(palette: [Rgb, Rgb], size = IMAGE_SIZE): Buffer {
  const ycc = palette.map(({ r, g, b }) => [
    0.299 * r + 0.587 * g + 0.114 * b,
    -0.168736 * r - 0.331264 * g + 0.5 * b + 128,
    0.5 * r - 0.418688 * g - 0.081312 * b + 128,
  ].map((v) => 8 * (Math.min(255, Math.max(0, Math.round(v))) - 128)));
  const dc = huffmanCodes(DC_COUNTS, DC_VALUES);
  const eob = huffmanCodes(AC_COUNTS, AC_VALUES).get(0)!;
  const out: number[] = [];
  let acc = 0;
  let nbits = 0;
  const put = (code: number, length: number): void => {
    for (let i = length - 1; i >= 0; i--) {
      acc = (acc << 1) | ((code >>> i) & 1);
      if (++nbits === 8) {
        out.push(acc);
        if (acc === 0xff) out.push(0x00); // byte stuffing
        acc = 0;
        nbits = 0;
      }
    }
  };
  const previous = [0, 0, 0];
  const blocks = size / 8;
  for (let by = 0; by < blocks; by++) {
    for (let bx = 0; bx < blocks; bx++) {
      const colour = ycc[colourIndexAt(bx * 8, by * 8)]!;
      for (let c = 0; c < 3; c++) {
        const diff = colour[c]! - previous[c]!;
        previous[c] = colour[c]!;
        let category = 0;
        for (let rest = Math.abs(diff); rest > 0; rest >>= 1) category++;
        const { code, length } = dc.get(category)!;
        put(code, length);
        if (category > 0) put(diff > 0 ? diff : diff + (1 << category) - 1, category);
        put(eob.code, eob.length);
      }
    }
  }
  if (nbits > 0) put(0xff, 8 - nbits); // pad the last byte with one bits
  const segment = (marker: number, body: number[]): number[] => [0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body];
  const be16 = (n: number): number[] => [n >> 8, n & 0xff];
  return Buffer.from([
    0xff, 0xd8,
    ...segment(0xe0, [...Buffer.from('JFIF\0', 'latin1'), 1, 1, 0, 0, 1, 0, 1, 0, 0]),
    ...segment(0xdb, [0x00, ...new Array<number>(64).fill(1)]),
    ...segment(0xc0, [8, ...be16(size), ...be16(size), 3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0]),
    ...segment(0xc4, [0x00, ...DC_COUNTS, ...DC_VALUES, 0x10, ...AC_COUNTS, ...AC_VALUES]),
    ...segment(0xda, [3, 1, 0x00, 2, 0x00, 3, 0x00, 0, 63, 0]),
    ...out,
    0xff, 0xd9,
  ]);
}

/**
 * A lossless WebP (VP8L): no transforms, no colour cache, and "simple" prefix codes of two symbols for
 * green, red and blue (one bit each per pixel, the smaller value coded 0) and of one symbol for alpha (255)
 * and distance (zero bits).
 */
export function encodeWebp(palette: [Rgb, Rgb], size = IMAGE_SIZE): Buffer {
  const bits = new LsbBitWriter();
  bits.write(0x2f, 8); // VP8L signature
  bits.write(size - 1, 14);
  bits.write(size - 1, 14);
  bits.write(0, 1); // alpha_is_used
  bits.write(0, 3); // version
  bits.write(0, 1); // no transform
  bits.write(0, 1); // no colour cache
  bits.write(0, 1); // no meta prefix codes
  const channels = (['g', 'r', 'b'] as const).map((key) => [palette[0][key], palette[1][key]] as const);
  for (const [a, b] of channels) {
    bits.write(1, 1); // simple code
    bits.write(1, 1); // two symbols
    bits.write(1, 1); // first symbol in 8 bits
    bits.write(a, 8);
    bits.write(b, 8);
  }
  for (const [symbol, width] of [[255, 8], [0, 1]] as const) {
    bits.write(1, 1); // alpha (255), then distance (0): simple code
    bits.write(0, 1); // one symbol
    bits.write(width === 8 ? 1 : 0, 1); // in 8 bits, or in 1
    bits.write(symbol, width);
  }
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const index = colourIndexAt(x, y);
      for (const pair of channels) bits.write(pair[index] === Math.max(pair[0], pair[1]) ? 1 : 0, 1);
    }
  }
  const vp8l = bits.finish();
  const padded = vp8l.length % 2 === 1 ? Buffer.concat([vp8l, Buffer.alloc(1)]) : vp8l;
  const header = Buffer.alloc(20);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(12 + padded.length, 4);
  header.write('WEBPVP8L', 8, 'latin1');
  header.writeUInt32LE(vp8l.length, 16);
  return Buffer.concat([header, padded]);
}
