// Downloads leave the core in chunks made as they are read: in order, the last one
// answered again when asked again, only to the user who opened it, dropped when idle —
// and dropping one closes what it was reading.
import { describe, expect, it } from 'vitest';
import { Downloads } from '../../../src-main/core/downloads.ts';

function producer(pieces: number[], log: string[]) {
  return (async function* () {
    try {
      for (const [i, size] of pieces.entries()) {
        log.push(`piece ${i}`);
        yield new Uint8Array(size).fill(i + 1);
      }
    } finally {
      log.push('closed');
    }
  })();
}

describe('downloads', () => {
  it('hands out the bytes in chunks of the limit, pulling pieces only as they are asked for', async () => {
    const log: string[] = [];
    const downloads = new Downloads(60_000, 10);
    const id = downloads.open(7, producer([4, 4, 4, 9, 1], log));
    const first = await downloads.chunk(7, id, 0);
    expect([...first.bytes]).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 3, 3]);
    expect(first.done).toBe(false);
    expect(log).toEqual(['piece 0', 'piece 1', 'piece 2']);
    // A repeat (the answer was lost) gets the same bytes, nothing more is read.
    expect([...(await downloads.chunk(7, id, 0)).bytes]).toEqual([...first.bytes]);
    expect(log).toHaveLength(3);
    const second = await downloads.chunk(7, id, 10);
    expect([...second.bytes]).toEqual([3, 3, 4, 4, 4, 4, 4, 4, 4, 4]);
    const third = await downloads.chunk(7, id, 20);
    expect([...third.bytes]).toEqual([4, 5]);
    expect(third.done).toBe(true);
    expect(log.at(-1)).toBe('closed');
  });

  it('refuses another user, a gap, and an unknown id; dropping closes the producer', async () => {
    const log: string[] = [];
    const downloads = new Downloads(60_000, 4);
    const id = downloads.open(7, producer([4, 4, 4], log));
    await expect(downloads.chunk(8, id, 0)).rejects.toMatchObject({ code: 'download.unknown' });
    await expect(downloads.chunk(7, id, 4)).rejects.toMatchObject({ code: 'download.wrongOffset' });
    await downloads.chunk(7, id, 0);
    await downloads.closeAll();
    expect(log).toEqual(['piece 0', 'closed']);
    await expect(downloads.chunk(7, id, 4)).rejects.toMatchObject({ code: 'download.unknown' });
  });

  it('drops a download left idle', async () => {
    const log: string[] = [];
    const downloads = new Downloads(50, 4);
    const id = downloads.open(7, producer([4, 4], log));
    await downloads.chunk(7, id, 0);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(log).toEqual(['piece 0', 'closed']);
    await expect(downloads.chunk(7, id, 4)).rejects.toMatchObject({ code: 'download.unknown' });
  });
});
