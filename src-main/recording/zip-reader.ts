// Reads a ZIP archive by random access, as much as the evidence bundle needs and no
// more: the central directory, then each entry's bytes streamed (stored or deflated),
// so a bundle of hours of video is checked without holding it in memory. fflate has
// only whole-archive or forward-only readers; this one trusts the central directory,
// which is what every unzip tool shows a person checking a bundle by hand.
import { Inflate } from 'fflate';

/** Bytes at any position: a file, or a buffer in tests. */
export interface RandomAccess {
  readonly size: number;
  read(position: number, length: number): Promise<Uint8Array>;
}

export function bufferAccess(bytes: Uint8Array): RandomAccess {
  return {
    size: bytes.length,
    read: (position, length) => Promise.resolve(bytes.subarray(position, Math.min(bytes.length, position + length))),
  };
}

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/** The archive itself cannot be read: not a ZIP, truncated, or a form we do not read (ZIP64, several disks). */
export class ZipFormatError extends Error {
  override readonly name = 'ZipFormatError';
}

/** One entry's bytes cannot be read (bad local header, corrupt deflate data, wrong length). */
export class ZipEntryError extends Error {
  override readonly name = 'ZipEntryError';
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_BYTES = 22;
const CENTRAL_BYTES = 46;
const LOCAL_BYTES = 30;
const MAX_COMMENT = 0xffff;
const PIECE_BYTES = 1024 * 1024;

/** The entries of the central directory, in its order. */
export async function readZipDirectory(source: RandomAccess): Promise<ZipEntry[]> {
  if (source.size < EOCD_BYTES) throw new ZipFormatError('too short to be a ZIP archive');
  const tailLength = Math.min(source.size, EOCD_BYTES + MAX_COMMENT);
  const tail = await readExactly(source, source.size - tailLength, tailLength, ZipFormatError);
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  let at = -1;
  for (let i = tail.length - EOCD_BYTES; i >= 0; i--) {
    if (view.getUint32(i, true) === EOCD_SIGNATURE && i + EOCD_BYTES + view.getUint16(i + 20, true) === tail.length) {
      at = i;
      break;
    }
  }
  if (at < 0) throw new ZipFormatError('no end of central directory: not a ZIP archive, or cut short');
  const disk = view.getUint16(at + 4, true);
  const cdDisk = view.getUint16(at + 6, true);
  const count = view.getUint16(at + 10, true);
  const cdSize = view.getUint32(at + 12, true);
  const cdOffset = view.getUint32(at + 16, true);
  if (disk !== 0 || cdDisk !== 0 || view.getUint16(at + 8, true) !== count) {
    throw new ZipFormatError('archives split over several disks are not read');
  }
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    throw new ZipFormatError('ZIP64 archives are not read');
  }
  const eocdPosition = source.size - tailLength + at;
  if (cdOffset + cdSize > eocdPosition) throw new ZipFormatError('central directory lies outside the archive');
  const cd = await readExactly(source, cdOffset, cdSize, ZipFormatError);
  const cdView = new DataView(cd.buffer, cd.byteOffset, cd.byteLength);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + CENTRAL_BYTES > cd.length || cdView.getUint32(p, true) !== CENTRAL_SIGNATURE) {
      throw new ZipFormatError(`central directory entry ${i + 1} is damaged`);
    }
    const method = cdView.getUint16(p + 10, true);
    const compressedSize = cdView.getUint32(p + 20, true);
    const size = cdView.getUint32(p + 24, true);
    const nameLength = cdView.getUint16(p + 28, true);
    const extraLength = cdView.getUint16(p + 30, true);
    const commentLength = cdView.getUint16(p + 32, true);
    const localOffset = cdView.getUint32(p + 42, true);
    if (p + CENTRAL_BYTES + nameLength > cd.length)
      throw new ZipFormatError(`central directory entry ${i + 1} is damaged`);
    if (compressedSize === 0xffffffff || size === 0xffffffff || localOffset === 0xffffffff) {
      throw new ZipFormatError('ZIP64 archives are not read');
    }
    const name = new TextDecoder('utf-8', { fatal: false }).decode(
      cd.subarray(p + CENTRAL_BYTES, p + CENTRAL_BYTES + nameLength),
    );
    if (localOffset + LOCAL_BYTES > cdOffset) throw new ZipFormatError(`entry ${name} lies outside the archive`);
    entries.push({ name, method, compressedSize, size, localOffset });
    p += CENTRAL_BYTES + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** An entry's uncompressed bytes, in pieces; throws ZipEntryError when they cannot be read as declared. */
export async function* readZipEntry(
  source: RandomAccess,
  entry: ZipEntry,
): AsyncGenerator<Uint8Array, void, undefined> {
  if (entry.method !== 0 && entry.method !== 8)
    throw new ZipEntryError(`${entry.name}: compression method ${entry.method} is not read`);
  const header = await readExactly(source, entry.localOffset, LOCAL_BYTES, ZipEntryError);
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  if (view.getUint32(0, true) !== LOCAL_SIGNATURE)
    throw new ZipEntryError(`${entry.name}: no local header where the directory says`);
  const start = entry.localOffset + LOCAL_BYTES + view.getUint16(26, true) + view.getUint16(28, true);
  if (start + entry.compressedSize > source.size)
    throw new ZipEntryError(`${entry.name}: data runs past the archive's end`);
  let produced = 0;
  const out: Uint8Array[] = [];
  const inflate =
    entry.method === 8
      ? new Inflate((chunk) => {
          out.push(chunk);
        })
      : undefined;
  for (let offset = 0; offset < entry.compressedSize || (offset === 0 && entry.compressedSize === 0);) {
    const length = Math.min(PIECE_BYTES, entry.compressedSize - offset);
    const piece = length > 0 ? await readExactly(source, start + offset, length, ZipEntryError) : new Uint8Array(0);
    offset += length;
    const final = offset >= entry.compressedSize;
    if (inflate) {
      try {
        inflate.push(piece, final);
      } catch (error) {
        throw new ZipEntryError(`${entry.name}: deflate data is damaged (${(error as Error).message})`);
      }
      while (out.length > 0) {
        const chunk = out.shift()!;
        produced += chunk.length;
        if (produced > entry.size) throw new ZipEntryError(`${entry.name}: more bytes than the directory says`);
        yield chunk;
      }
    } else if (piece.length > 0) {
      produced += piece.length;
      yield piece;
    }
    if (final) break;
  }
  if (produced !== entry.size)
    throw new ZipEntryError(`${entry.name}: ${produced} bytes, the directory says ${entry.size}`);
}

/** An entry read whole (the small ones: manifest, signature, events). */
export async function readZipEntryBytes(source: RandomAccess, entry: ZipEntry, maxBytes: number): Promise<Uint8Array> {
  if (entry.size > maxBytes) throw new ZipEntryError(`${entry.name}: ${entry.size} bytes, more than ${maxBytes}`);
  const parts: Uint8Array[] = [];
  for await (const piece of readZipEntry(source, entry)) parts.push(piece);
  const whole = new Uint8Array(entry.size);
  let at = 0;
  for (const part of parts) {
    whole.set(part, at);
    at += part.length;
  }
  return whole;
}

async function readExactly(
  source: RandomAccess,
  position: number,
  length: number,
  Failure: new (message: string) => Error,
): Promise<Uint8Array> {
  if (position < 0 || position + length > source.size)
    throw new Failure(`bytes ${position}+${length} lie outside the archive`);
  const bytes = await source.read(position, length);
  if (bytes.length !== length) throw new Failure(`could read only ${bytes.length} of ${length} bytes at ${position}`);
  return bytes;
}
