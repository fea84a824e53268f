// Upload bytes encrypted at rest, for an inbox given a key (the demo profile's embedded
// inbox, whose data sits in the app's data directory). A tus upload grows by PATCHes of
// any size, cut anywhere, resumed later, so the file is a sequence of sealed chunks
// that can be appended to:
//
//   header   = "TBI1" | salt (16 bytes) | plaintext chunk size C (u32 BE)
//   record i = nonce (12 random bytes) | AES-256-GCM(plaintext[i*C, …)) | tag (16 bytes)
//   key      = HKDF-SHA256(file key, salt, "tongban/inbox-upload-chunk/v1"), fresh per upload
//   AAD      = header | i (u64 BE), so records cannot be moved and the header not altered
//
// Every record but the last holds exactly C bytes, so the plaintext size follows from
// the file size. A PATCH that ends inside a chunk seals what it has as a short last
// record; the next PATCH opens that record, drops it and seals it again, longer, under a
// new random nonce (a nonce is never reused under a key). So a short record is only ever
// the last thing in the file, and a record torn by a crash (it can only follow whole
// ones) fails authentication and does not count: the offset a HEAD reports is what was
// sealed whole, and the window resumes from there. The upload's info (size, metadata)
// is sealed too. Files 0600 in a 0700 directory.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { DataStore, ERRORS, Upload } from '@tus/server';
import { ownerOnlyDirectory } from './at-rest.ts';
import { transientCode } from './errors.ts';

const MAGIC = Buffer.from('TBI1', 'ascii');
const SALT_BYTES = 16;
const HEADER_BYTES = MAGIC.length + SALT_BYTES + 4;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const OVERHEAD = NONCE_BYTES + TAG_BYTES;
const CHUNK_SIZE = 64 * 1024;
const MAX_CHUNK_SIZE = 16 * 1024 * 1024;
const INFO_MAGIC = Buffer.from('TBJ1', 'ascii');

/** Stored bytes that fail authentication: altered or damaged on the department's disk. */
export const STORED_BYTES_ALTERED = 'EINBOXALTERED';

function altered(id: string, why: string): Error {
  return Object.assign(new Error(`stored upload ${id}: ${why}`), { code: STORED_BYTES_ALTERED });
}

function derive(key: Buffer, salt: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', key, salt, info, 32));
}

interface Sealed {
  handle: FileHandle;
  header: Buffer;
  key: Buffer;
  chunkSize: number;
  /** Records that authenticate, and the plaintext they hold. */
  records: number;
  plainSize: number;
  /** Bytes of the file up to the end of the last whole record. */
  goodBytes: number;
  /** Plaintext of the last record when it is shorter than a chunk (to be extended). */
  tail: Buffer | undefined;
}

/** The upload's info (`<id>.info`): JSON sealed with AES-256-GCM, the id as AAD. */
class SealedConfigstore {
  readonly #key: Buffer;

  constructor(
    private readonly directory: string,
    fileKey: Buffer,
  ) {
    this.#key = derive(fileKey, Buffer.alloc(0), 'tongban/inbox-upload-info/v1');
  }

  async get(id: string): Promise<Upload | undefined> {
    let sealed: Buffer;
    try {
      sealed = await readFile(this.#path(id));
    } catch {
      return undefined;
    }
    if (sealed.length < INFO_MAGIC.length + OVERHEAD || !sealed.subarray(0, 4).equals(INFO_MAGIC)) return undefined;
    const nonce = sealed.subarray(4, 4 + NONCE_BYTES);
    const tag = sealed.subarray(sealed.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.#key, nonce).setAAD(Buffer.from(id)).setAuthTag(tag);
    try {
      const json = Buffer.concat([
        decipher.update(sealed.subarray(4 + NONCE_BYTES, sealed.length - TAG_BYTES)),
        decipher.final(),
      ]);
      return JSON.parse(json.toString('utf8')) as Upload;
    } catch {
      throw altered(id, 'its info does not authenticate');
    }
  }

  async set(id: string, value: Upload): Promise<void> {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonce).setAAD(Buffer.from(id));
    const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    const path = this.#path(id);
    const temp = `${path}.tmp`;
    await writeFile(temp, Buffer.concat([INFO_MAGIC, nonce, body, cipher.getAuthTag()]), { mode: 0o600 });
    await rename(temp, path);
  }

  async delete(id: string): Promise<void> {
    await rm(this.#path(id));
  }

  async list(): Promise<string[]> {
    const names = await readdir(this.directory);
    return names.filter((name) => name.endsWith('.info')).map((name) => name.slice(0, -'.info'.length));
  }

  #path(id: string): string {
    const path = resolve(this.directory, `${id}.info`);
    if (!path.startsWith(resolve(this.directory) + sep)) throw ERRORS.FILE_NOT_FOUND;
    return path;
  }
}

/** @tus/file-store's layout (one file per upload, plus its info) with every byte sealed. */
export class SealedFileStore extends DataStore {
  readonly directory: string;
  readonly #fileKey: Buffer;
  readonly #info: SealedConfigstore;
  readonly #expiryMs: number;

  constructor(options: { directory: string; fileKey: Buffer; expirationPeriodInMilliseconds: number }) {
    super();
    if (options.fileKey.length !== 32) throw new RangeError('file key must be 32 bytes');
    this.directory = ownerOnlyDirectory(options.directory);
    this.#fileKey = options.fileKey;
    this.#info = new SealedConfigstore(options.directory, options.fileKey);
    this.#expiryMs = options.expirationPeriodInMilliseconds;
    // No deferred length: the inbox refuses it.
    this.extensions = ['creation', 'creation-with-upload', 'termination', 'expiration'];
  }

  override getExpiration(): number {
    return this.#expiryMs;
  }

  /** The inbox sweeps expired uploads itself, from its own rows. */
  override async deleteExpired(): Promise<number> {
    return 0;
  }

  override async remove(id: string): Promise<void> {
    try {
      await rm(this.#resolve(id));
    } catch {
      throw ERRORS.FILE_NOT_FOUND;
    }
    await this.#info.delete(id).catch(() => undefined);
  }

  override async create(file: Upload): Promise<Upload> {
    const path = this.#resolve(file.id);
    const salt = randomBytes(SALT_BYTES);
    const header = Buffer.alloc(HEADER_BYTES);
    MAGIC.copy(header, 0);
    salt.copy(header, MAGIC.length);
    header.writeUInt32BE(CHUNK_SIZE, MAGIC.length + SALT_BYTES);
    // Whole or not at all: a file without its header could never be opened again.
    const temp = `${path}.tmp`;
    await writeFile(temp, header, { mode: 0o600, flag: 'wx' });
    await rename(temp, path);
    await this.#info.set(file.id, file);
    file.storage = { type: 'file', path };
    return file;
  }

  override async getUpload(id: string): Promise<Upload> {
    const info = await this.#info.get(id);
    if (!info) throw ERRORS.FILE_NOT_FOUND;
    let sealed: Sealed;
    try {
      sealed = await this.#open(id, 'r');
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') throw ERRORS.FILE_NO_LONGER_EXISTS;
      throw error;
    }
    await sealed.handle.close();
    return new Upload({
      id,
      size: info.size,
      offset: sealed.plainSize,
      metadata: info.metadata,
      creation_date: info.creation_date,
      storage: { type: 'file', path: this.#resolve(id) },
    });
  }

  /**
   * Appends a PATCH body at `offset` (the plaintext size, as getUpload reported it). The
   * bytes that arrived before a cut are sealed and kept, as the plain file store keeps them.
   */
  override async write(readable: Readable, id: string, offset: number): Promise<number> {
    let sealed: Sealed;
    try {
      sealed = await this.#open(id, 'r+');
    } catch (error) {
      throw transientCode(error) ? error : ERRORS.FILE_WRITE_ERROR;
    }
    const { handle } = sealed;
    try {
      if (sealed.plainSize !== offset) throw ERRORS.INVALID_OFFSET;
      // A torn record, or a short last one to be sealed again longer: cut off here.
      let index = sealed.records;
      let position = sealed.goodBytes;
      let pending: Buffer = Buffer.alloc(0);
      if (sealed.tail) {
        index -= 1;
        position -= sealed.tail.length + OVERHEAD;
        pending = sealed.tail;
      }
      await handle.truncate(position);
      const flush = async (bytes: Buffer) => {
        const record = seal(sealed, index, bytes);
        await writeAll(handle, record, position);
        position += record.length;
        index += 1;
      };
      let received = 0;
      let failure: unknown;
      try {
        for await (const piece of readable as AsyncIterable<Buffer>) {
          received += piece.length;
          pending = pending.length === 0 ? piece : Buffer.concat([pending, piece]);
          while (pending.length >= sealed.chunkSize) {
            await flush(pending.subarray(0, sealed.chunkSize));
            pending = pending.subarray(sealed.chunkSize);
          }
        }
      } catch (error) {
        failure = error;
      }
      // What arrived before a cut is kept, sealed as a short last record.
      if (pending.length > 0) await flush(pending);
      if (failure !== undefined) throw transientCode(failure) ? failure : ERRORS.FILE_WRITE_ERROR;
      return offset + received;
    } finally {
      await handle.close();
    }
  }

  /** The plaintext, each record authenticated; a record that fails ends the stream with STORED_BYTES_ALTERED. */
  read(id: string): Readable {
    const generate = async function* (this: SealedFileStore): AsyncGenerator<Buffer> {
      const sealed = await this.#open(id, 'r');
      try {
        const recordBytes = sealed.chunkSize + OVERHEAD;
        if (sealed.goodBytes !== (await sealed.handle.stat()).size) throw altered(id, 'its last record is damaged');
        for (let i = 0; i < sealed.records; i++) {
          const start = HEADER_BYTES + i * recordBytes;
          const length = Math.min(recordBytes, sealed.goodBytes - start);
          yield open_(sealed, i, await readAt(sealed.handle, start, length), id);
        }
      } finally {
        await sealed.handle.close();
      }
    };
    return Readable.from(generate.call(this), { objectMode: false });
  }

  /** Opens an upload's file and reads its layout; the last record is authenticated (a torn one does not count). */
  async #open(id: string, flags: 'r' | 'r+'): Promise<Sealed> {
    const path = this.#resolve(id);
    const handle = await open(path, flags);
    try {
      const size = (await handle.stat()).size;
      const header = await readAt(handle, 0, HEADER_BYTES);
      if (header.length < HEADER_BYTES || !header.subarray(0, MAGIC.length).equals(MAGIC)) {
        throw altered(id, 'no header');
      }
      const chunkSize = header.readUInt32BE(MAGIC.length + SALT_BYTES);
      if (chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) throw altered(id, `chunk size ${chunkSize}`);
      const key = derive(
        this.#fileKey,
        header.subarray(MAGIC.length, MAGIC.length + SALT_BYTES),
        'tongban/inbox-upload-chunk/v1',
      );
      const recordBytes = chunkSize + OVERHEAD;
      const body = size - HEADER_BYTES;
      let records = Math.floor(body / recordBytes);
      const rest = body % recordBytes;
      if (rest > OVERHEAD) records += 1;
      let goodBytes = HEADER_BYTES + Math.floor(body / recordBytes) * recordBytes + (rest > OVERHEAD ? rest : 0);
      const sealed: Sealed = { handle, header, key, chunkSize, records, plainSize: 0, goodBytes, tail: undefined };
      if (records > 0) {
        const start = HEADER_BYTES + (records - 1) * recordBytes;
        let last: Buffer | undefined;
        try {
          last = open_(sealed, records - 1, await readAt(handle, start, goodBytes - start), id);
        } catch (error) {
          if ((error as { code?: string }).code !== STORED_BYTES_ALTERED) throw error;
          // Torn by a crash while it was written: it does not count.
          records -= 1;
          goodBytes = start;
        }
        if (last && last.length < chunkSize) sealed.tail = last;
      }
      sealed.records = records;
      sealed.goodBytes = goodBytes;
      sealed.plainSize = sealed.tail ? (records - 1) * chunkSize + sealed.tail.length : records * chunkSize;
      return sealed;
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  #resolve(id: string): string {
    const path = resolve(this.directory, id);
    if (!path.startsWith(resolve(this.directory) + sep)) throw ERRORS.FILE_NOT_FOUND;
    return path;
  }
}

function aad(sealed: Sealed, index: number): Buffer {
  const position = Buffer.alloc(8);
  position.writeBigUInt64BE(BigInt(index));
  return Buffer.concat([sealed.header, position]);
}

function seal(sealed: Sealed, index: number, plain: Buffer): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', sealed.key, nonce).setAAD(aad(sealed, index));
  return Buffer.concat([nonce, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
}

function open_(sealed: Sealed, index: number, record: Buffer, id: string): Buffer {
  if (record.length <= OVERHEAD) throw altered(id, `record ${index} is truncated`);
  const decipher = createDecipheriv('aes-256-gcm', sealed.key, record.subarray(0, NONCE_BYTES))
    .setAAD(aad(sealed, index))
    .setAuthTag(record.subarray(record.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(record.subarray(NONCE_BYTES, record.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw altered(id, `record ${index} does not authenticate`);
  }
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(Math.max(0, length));
  let done = 0;
  while (done < buffer.length) {
    const { bytesRead } = await handle.read(buffer, done, buffer.length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return buffer.subarray(0, done);
}

async function writeAll(handle: FileHandle, buffer: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < buffer.length) {
    const { bytesWritten } = await handle.write(buffer, done, buffer.length - done, position + done);
    done += bytesWritten;
  }
}
