/**
 * @module The image header (layout.ts HEADER): written by image-writer.ts, read before any
 * decoding. Its first fields (magic, format id, length, checksum, compiler version) keep their
 * places in every format, so that an image of another format can still be told apart and named.
 */
import { COMPILER_VERSION_BYTES, HEADER, HEADER_BYTES, MAGIC } from './layout.js';
import { FORMAT_ID } from './format-id.js';

export interface ImageHeader {
  readonly formatId: number;
  readonly compilerVersion: string;
  /** This compiler writes, and its core reads, images of this format id. */
  readonly current: boolean;
}

/** The header of a netpol-edge image; null when the bytes are not one (too short, bad magic). */
export function readImageHeader(image: Uint8Array): ImageHeader | null {
  if (image.length < HEADER_BYTES) return null;
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  if (view.getUint32(HEADER.MAGIC, true) !== MAGIC) return null;
  const formatId = view.getUint32(HEADER.FORMAT_ID, true);
  const field = image.subarray(HEADER.COMPILER_VERSION, HEADER.COMPILER_VERSION + COMPILER_VERSION_BYTES);
  const end = field.indexOf(0) < 0 ? field.length : field.indexOf(0);
  const text = field.subarray(0, end);
  // Images written before the header had a compiler version carry other fields there.
  const readable = end > 0 && text.every((b) => b >= 0x20 && b < 0x7f) && field.subarray(end).every((b) => b === 0);
  const compilerVersion = readable ? String.fromCharCode(...text) : 'unknown';
  return { formatId, compilerVersion, current: formatId === FORMAT_ID };
}

/** The compiler version as the header's NUL-padded ASCII field. */
export function compilerVersionBytes(version: string): Uint8Array {
  const bytes = new Uint8Array(COMPILER_VERSION_BYTES);
  const text = new TextEncoder().encode(version);
  if (text.length > COMPILER_VERSION_BYTES || /[^\x20-\x7e]/.test(version)) {
    throw new Error(`compiler version ${JSON.stringify(version)} does not fit the image header`);
  }
  bytes.set(text);
  return bytes;
}
