import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BlobStore } from '../../../src-main/store/blob-store.ts';
import { asyncAppErrorOf, appErrorOf, collect, expectCode, newKey, sha256, tempDir } from './helpers.ts';

const HEADER = 24;
const TAG = 16;
const CHUNK = 65536;

function newStore(): { root: string; store: BlobStore; key: Buffer } {
  const root = join(tempDir(), 'blobs');
  const key = newKey();
  return { root, store: new BlobStore(root, key), key };
}

function sealedOffset(index: number): number {
  return HEADER + index * (CHUNK + TAG);
}

async function* inPieces(data: Buffer, sizes: number[]): AsyncGenerator<Uint8Array> {
  let offset = 0;
  let i = 0;
  while (offset < data.length) {
    const size = sizes[i++ % sizes.length] ?? 1;
    yield new Uint8Array(data.subarray(offset, offset + size));
    offset += size;
  }
  yield new Uint8Array(0);
}

describe('BlobStore round trip', () => {
  for (const size of [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, (1 << 20) + 123]) {
    it(`stores and reads back ${size} bytes`, async () => {
      const { root, store } = newStore();
      const data = randomBytes(size);
      const result = await store.put(data);
      expect(result).toEqual({ sha256: sha256(data), size });

      const file = store.filePath(result.sha256);
      const chunks = Math.max(1, Math.ceil(size / CHUNK));
      expect(statSync(file).size).toBe(HEADER + chunks * TAG + size);
      expect(readFileSync(file).subarray(0, 4).toString('latin1')).toBe('TBB1');
      expect(readFileSync(file).readUInt32BE(20)).toBe(CHUNK);
      if (size >= 32) expect(readFileSync(file).includes(data.subarray(0, 32))).toBe(false);

      expect((await store.read(result.sha256)).equals(data)).toBe(true);
      await store.verify(result.sha256);
      expect(store.size(result.sha256)).toBe(size);
      expect(store.has(result.sha256)).toBe(true);
      expect([...store.listFileNames()]).toEqual([store.fileNameOf(result.sha256)]);
      expect(readdirSync(join(root, 'tmp'))).toEqual([]);
    });
  }

  it('accepts async iterables (uneven pieces, empty pieces, Node streams) with the same result', async () => {
    const { store } = newStore();
    const data = randomBytes(3 * CHUNK + 5);
    const direct = await store.put(data);
    const fromGenerator = await store.put(inPieces(data, [1, 100, CHUNK + 7, 0, CHUNK, 3]));
    const fromStream = await store.put(Readable.from([data.subarray(0, 10), data.subarray(10)]));
    expect(fromGenerator).toEqual(direct);
    expect(fromStream).toEqual(direct);
    expect((await store.read(direct.sha256)).equals(data)).toBe(true);
    expect([...store.listFileNames()]).toEqual([store.fileNameOf(direct.sha256)]);
  });

  it('stores identical content once', async () => {
    const { root, store } = newStore();
    const data = randomBytes(1000);
    const a = await store.put(data);
    const before = readFileSync(store.filePath(a.sha256));
    const b = await store.put(Buffer.from(data));
    expect(b).toEqual(a);
    expect([...store.listFileNames()]).toEqual([store.fileNameOf(a.sha256)]);
    // The first copy is kept as it was.
    expect(readFileSync(store.filePath(a.sha256)).equals(before)).toBe(true);
    expect(readdirSync(join(root, 'tmp'))).toEqual([]);
  });

  it('replaces a damaged (wrong-size) copy when the same content is stored again', async () => {
    const { store } = newStore();
    const data = randomBytes(CHUNK + 10);
    const { sha256: id } = await store.put(data);
    truncateSync(store.filePath(id), 100);
    await store.put(data);
    expect((await store.read(id)).equals(data)).toBe(true);
  });

  it('streams a large blob and reads a 16 MiB range at an odd offset', async () => {
    const { store } = newStore();
    const data = randomBytes(40 * 1024 * 1024);
    const { sha256: id, size } = await store.put(inPieces(data, [1024 * 1024]));
    expect(size).toBe(data.length);
    const start = 5_000_001;
    const end = start + 16 * 1024 * 1024;
    let length = 0;
    const parts: Buffer[] = [];
    for await (const part of store.openRange(id, start, end)) {
      // Each piece is at most one chunk: memory stays bounded whatever the range.
      expect(part.length).toBeLessThanOrEqual(CHUNK);
      length += part.length;
      parts.push(part);
    }
    expect(length).toBe(end - start);
    expect(sha256(Buffer.concat(parts))).toBe(sha256(data.subarray(start, end)));
  });
});

describe('BlobStore ranges', () => {
  it('returns exactly the plaintext slice, including at chunk borders', async () => {
    const { store } = newStore();
    const data = randomBytes(4 * CHUNK + 1234);
    const { sha256: id } = await store.put(data);
    const ranges: [number, number][] = [
      [0, 0],
      [0, 1],
      [0, CHUNK],
      [CHUNK - 1, CHUNK],
      [CHUNK - 1, CHUNK + 1],
      [CHUNK, CHUNK + 1],
      [CHUNK, 2 * CHUNK],
      [2 * CHUNK - 1, 3 * CHUNK + 1],
      [4 * CHUNK, data.length],
      [data.length - 1, data.length],
      [data.length, data.length],
      [12345, 3 * CHUNK + 999],
      [0, data.length],
    ];
    for (const [start, end] of ranges) {
      const got = await collect(store.openRange(id, start, end));
      expect(got.equals(data.subarray(start, end)), `range [${start}, ${end})`).toBe(true);
    }
  });

  it('gives back a range piece on release, and nothing that is not its own', async () => {
    const { store } = newStore();
    const data = randomBytes(3 * CHUNK + 100);
    const { sha256: id } = await store.put(data);
    // A range starting and ending inside chunks: the pieces are views of whole decrypted chunks.
    const start = 10;
    const end = 3 * CHUNK + 50;
    let offset = start;
    let pieces = 0;
    for await (const piece of store.openRange(id, start, end)) {
      expect(piece.equals(data.subarray(offset, offset + piece.length))).toBe(true);
      offset += piece.length;
      const whole = piece.buffer;
      store.release(piece);
      // Its memory is gone: the piece and every view of its chunk are empty now.
      expect(piece.length).toBe(0);
      expect(whole.byteLength).toBe(0);
      store.release(piece); // twice: nothing happens
      pieces++;
    }
    expect(offset).toBe(end);
    expect(pieces).toBe(4);

    // A Buffer the store did not hand out, a slice of Node's shared pool or not, is left alone.
    const pooled = Buffer.from('kept');
    const own = Buffer.alloc(CHUNK, 7);
    store.release(pooled);
    store.release(own);
    expect(pooled.toString()).toBe('kept');
    expect(own.length).toBe(CHUNK);
    // Pieces read without release are whole, and the blob reads and verifies as before.
    expect((await collect(store.openRange(id, 0, data.length))).equals(data)).toBe(true);
    await store.verify(id);
    expect((await store.read(id)).equals(data)).toBe(true);
  });

  it('works on an empty blob', async () => {
    const { store } = newStore();
    const { sha256: id } = await store.put(new Uint8Array(0));
    expect(await collect(store.openRange(id, 0, 0))).toHaveLength(0);
  });

  it('refuses ranges outside the blob', async () => {
    const { store } = newStore();
    const { sha256: id } = await store.put(randomBytes(100));
    await expect(collect(store.openRange(id, 0, 101))).rejects.toThrow(RangeError);
    await expect(collect(store.openRange(id, -1, 10))).rejects.toThrow(RangeError);
    await expect(collect(store.openRange(id, 50, 40))).rejects.toThrow(RangeError);
  });

  it('decrypts only the chunks a range needs', async () => {
    const { store } = newStore();
    const data = randomBytes(4 * CHUNK);
    const { sha256: id } = await store.put(data);
    const file = store.filePath(id);
    const bytes = readFileSync(file);
    bytes[sealedOffset(3) + 10]! ^= 0xff;
    writeFileSync(file, bytes);
    // Chunks 0-2 are intact and still readable; anything touching chunk 3 is refused.
    expect((await collect(store.openRange(id, 10, 3 * CHUNK))).equals(data.subarray(10, 3 * CHUNK))).toBe(true);
    expectCode(
      await asyncAppErrorOf(() => collect(store.openRange(id, 3 * CHUNK - 1, 3 * CHUNK + 1))),
      'store.blobCorrupt',
    );
  });
});

describe('BlobStore damage detection', () => {
  async function damaged(damage: (file: string, bytes: Buffer) => void): Promise<void> {
    const { store } = newStore();
    const data = randomBytes(3 * CHUNK + 500);
    const { sha256: id } = await store.put(data);
    const file = store.filePath(id);
    damage(file, readFileSync(file));
    const error = await asyncAppErrorOf(() => store.read(id));
    expectCode(error, 'store.blobCorrupt');
    expect(error.params).toEqual({ sha256: id.slice(0, 12) });
    expectCode(await asyncAppErrorOf(() => store.verify(id)), 'store.blobCorrupt');
    expectCode(await asyncAppErrorOf(() => collect(store.openRange(id, 0, 3 * CHUNK + 500))), 'store.blobCorrupt');
  }

  it('catches a flipped byte in the middle', () =>
    damaged((file, bytes) => {
      bytes[bytes.length >> 1]! ^= 0x01;
      writeFileSync(file, bytes);
    }));

  it('catches a flipped bit in an auth tag', () =>
    damaged((file, bytes) => {
      bytes[sealedOffset(1) - 1]! ^= 0x80;
      writeFileSync(file, bytes);
    }));

  it('catches a truncated file (partial chunk)', () => damaged((file, bytes) => truncateSync(file, bytes.length - 10)));

  it('catches a file cut at a chunk border (last chunk dropped)', () =>
    damaged((file) => truncateSync(file, sealedOffset(3))));

  it('catches appended bytes', () =>
    damaged((file, bytes) => writeFileSync(file, Buffer.concat([bytes, Buffer.alloc(20)]))));

  it('catches swapped chunks', () =>
    damaged((file, bytes) => {
      const first = Buffer.from(bytes.subarray(sealedOffset(0), sealedOffset(1)));
      bytes.copy(bytes, sealedOffset(0), sealedOffset(1), sealedOffset(2));
      first.copy(bytes, sealedOffset(1));
      writeFileSync(file, bytes);
    }));

  it('catches an altered salt (header is authenticated)', () =>
    damaged((file, bytes) => {
      bytes[5]! ^= 0x01;
      writeFileSync(file, bytes);
    }));

  it('catches a bad magic', () =>
    damaged((file, bytes) => {
      bytes.write('XXXX', 0, 'latin1');
      writeFileSync(file, bytes);
    }));

  it('catches a file shorter than its header', () => damaged((file) => truncateSync(file, 10)));

  it('catches another blob’s file under this id', async () => {
    const { store } = newStore();
    const a = await store.put(randomBytes(500));
    const b = await store.put(randomBytes(500));
    writeFileSync(store.filePath(a.sha256), readFileSync(store.filePath(b.sha256)));
    expectCode(await asyncAppErrorOf(() => store.read(a.sha256)), 'store.blobCorrupt');
  });

  it('cannot be read with another key', async () => {
    const { root, store } = newStore();
    const { sha256: id } = await store.put(randomBytes(500));
    const other = new BlobStore(root, newKey());
    // Under another key the file has another name; put it there, and its chunks still fail.
    mkdirSync(dirname(other.filePath(id)), { recursive: true });
    copyFileSync(store.filePath(id), other.filePath(id));
    expectCode(await asyncAppErrorOf(() => other.read(id)), 'store.blobCorrupt');
  });
});

describe('BlobStore housekeeping', () => {
  it('reports missing blobs and invalid ids as store.blobMissing', async () => {
    const { store } = newStore();
    const id = sha256(Buffer.from('never stored'));
    const error = await asyncAppErrorOf(() => store.read(id));
    expectCode(error, 'store.blobMissing');
    expect(error.params).toEqual({ sha256: id.slice(0, 12) });
    expectCode(
      appErrorOf(() => store.size(id)),
      'store.blobMissing',
    );
    expectCode(await asyncAppErrorOf(() => collect(store.openRange(id, 0, 0))), 'store.blobMissing');
    expectCode(await asyncAppErrorOf(() => store.read('../../etc/passwd')), 'store.blobMissing');
    expect(store.has(id)).toBe(false);
    expect(store.has('../x')).toBe(false);
  });

  it('cleans leftovers of interrupted writes but not a write in progress', async () => {
    const { root, store } = newStore();
    await store.put(randomBytes(10));
    writeFileSync(join(root, 'tmp', 'dead-1.part'), randomBytes(100));
    writeFileSync(join(root, 'tmp', 'dead-2.part'), randomBytes(100));

    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started: () => void = () => undefined;
    const hasStarted = new Promise<void>((resolve) => (started = resolve));
    const data = randomBytes(2 * CHUNK);
    async function* slow(): AsyncGenerator<Uint8Array> {
      yield data.subarray(0, CHUNK + 1);
      started();
      await gate;
      yield data.subarray(CHUNK + 1);
    }
    const pending = store.put(slow());
    await hasStarted;
    expect(readdirSync(join(root, 'tmp'))).toHaveLength(3);
    expect(store.cleanTemp()).toBe(2);
    expect(readdirSync(join(root, 'tmp'))).toHaveLength(1);
    release();
    const result = await pending;
    expect((await store.read(result.sha256)).equals(data)).toBe(true);
    expect(readdirSync(join(root, 'tmp'))).toEqual([]);
    expect(store.cleanTemp()).toBe(0);
  });

  it('removes the temp file when the input fails', async () => {
    const { root, store } = newStore();
    async function* broken(): AsyncGenerator<Uint8Array> {
      yield randomBytes(CHUNK * 2);
      throw new Error('camera unplugged');
    }
    await expect(store.put(broken())).rejects.toThrow('camera unplugged');
    expect(readdirSync(join(root, 'tmp'))).toEqual([]);
    expect([...store.listFileNames()]).toEqual([]);
  });

  it('quarantines and restores without deleting', async () => {
    const { root, store } = newStore();
    const data = randomBytes(300);
    const { sha256: id } = await store.put(data);
    store.quarantine(id);
    expect(store.has(id)).toBe(false);
    expect([...store.listFileNames()]).toEqual([]);
    expect([...store.listQuarantinedFileNames()]).toEqual([store.fileNameOf(id)]);
    expect(existsSync(join(root, 'orphaned', store.fileNameOf(id)))).toBe(true);
    expectCode(
      appErrorOf(() => store.quarantine(id)),
      'store.blobMissing',
    );
    expect(store.restore(id)).toBe(true);
    expect((await store.read(id)).equals(data)).toBe(true);
    expect([...store.listQuarantinedFileNames()]).toEqual([]);
  });

  it('lists only stored blobs', async () => {
    const { root, store } = newStore();
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await store.put(randomBytes(10))).sha256);
    writeFileSync(join(root, 'tmp', 'x.part'), 'x');
    writeFileSync(join(root, 'README'), 'not a blob');
    expect([...store.listFileNames()].sort()).toEqual(ids.map((id) => store.fileNameOf(id)).sort());
  });

  it('names files by a keyed hash of the id, so a copy of the directory does not tell which documents it holds', async () => {
    const { root, store, key } = newStore();
    const data = randomBytes(1000);
    const { sha256: id } = await store.put(data);
    const everything = readdirSync(root, { recursive: true }).map(String);
    expect(everything.some((path) => path.includes(id))).toBe(false);
    // Another key gives other names: the name depends on the key, not only on the content.
    const other = new BlobStore(join(tempDir(), 'blobs'), newKey());
    expect(other.fileNameOf(id)).not.toBe(store.fileNameOf(id));
    expect(new BlobStore(root, key).fileNameOf(id)).toBe(store.fileNameOf(id));
  });

  it('moves a file stored under its plain id (before names were keyed) to its keyed name when it is looked up', async () => {
    const { root, store, key } = newStore();
    const data = randomBytes(CHUNK + 3);
    const { sha256: id } = await store.put(data);
    const legacy = join(root, id.slice(0, 2), id);
    mkdirSync(dirname(legacy), { recursive: true });
    renameSync(store.filePath(id), legacy);

    const reopened = new BlobStore(root, key);
    expect(reopened.has(id)).toBe(true);
    expect(existsSync(legacy)).toBe(false);
    expect((await reopened.read(id)).equals(data)).toBe(true);
    expect([...reopened.listFileNames()]).toEqual([reopened.fileNameOf(id)]);
  });

  it('removes an unrecorded blob at once, but never one the database records or another put has not settled', async () => {
    const { store } = newStore();
    const data = randomBytes(2000);
    const { sha256: id } = await store.put(data);
    expect(store.removeUnrecorded(id, () => true)).toBe(false); // recorded meanwhile: stays
    expect(store.has(id)).toBe(true);

    // Two calls stored the same content; the first gives up while the second is still recording.
    await store.put(data);
    await store.put(Buffer.from(data));
    expect(store.removeUnrecorded(id, () => false)).toBe(false);
    expect(store.has(id)).toBe(true);
    // The second gives up too: now nothing needs it.
    expect(store.removeUnrecorded(id, () => false)).toBe(true);
    expect(store.has(id)).toBe(false);
    expect([...store.listFileNames()]).toEqual([]);
  });
});
