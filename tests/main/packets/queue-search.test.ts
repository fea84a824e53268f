// The queue at a busy window, on a real encrypted SQLite file: search by name, ID number,
// document number and 查询号; keyset pages that neither skip nor repeat a packet; the
// filters and their counts; and a search index that never holds a name or an ID number.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FINISHED_STATES } from '../../../src-main/common/packet-states.ts';
import { CLERK_ATTENTION_STATES, type QueueFilter } from '../../../src-main/common/packets.ts';
import { decodeCursor, encodeCursor, PacketStore, type PageQuery } from '../../../src-main/packets/packet-store.ts';
import { type Database, openDatabase } from '../../../src-main/store/database.ts';
import { fillHistory, type HistoryPacket } from '../../fixtures/queue-history.ts';
import { newKey, tempDir } from '../store/helpers.ts';

const DAY = 86_400_000;
const UNTIL = Date.parse('2026-12-04T09:00:00+08:00');
const TODAY_FROM = Date.parse('2026-12-04T00:00:00+08:00');

let db: Database;
let store: PacketStore;
let history: HistoryPacket[];

beforeAll(() => {
  const dir = tempDir();
  db = openDatabase({ file: join(dir, 'db', 'tongban.db'), key: newKey(), backupDir: join(dir, 'backups') });
  store = new PacketStore(db, newKey());
  // 1,200 packets over 60 days: 20 a day, so "today" holds some.
  history = fillHistory(db, store, { count: 1200, until: UNTIL, days: 60, seed: 7 });
});
afterAll(() => db.close());

function page(query: Partial<PageQuery> = {}) {
  return store.page({ filter: 'all', todayFrom: TODAY_FROM, query: '', after: null, limit: 50, held: [], ...query });
}

/** Every packet of a filter, page by page. */
function walk(query: Partial<PageQuery>) {
  const seen: string[] = [];
  let after = null;
  for (;;) {
    const result = page({ ...query, after });
    seen.push(...result.packets.map((p) => p.packetId));
    if (!result.next) return seen;
    after = decodeCursor(encodeCursor(result.next));
  }
}

const newestFirst = (list: HistoryPacket[]) =>
  [...list].sort((a, b) => b.sealedAt - a.sealedAt || (a.packetId < b.packetId ? 1 : -1));
const latest = (p: HistoryPacket) => !history.some((q) => q.packetId === p.packetId && q.version > p.version);

describe('the queue search', () => {
  it('finds a packet by the name, whole, as typed with spaces or a different width', () => {
    const target = history[123]!;
    const found = page({ query: ` ${[...target.name].join(' ')} ` }).packets.map((p) => p.packetId);
    expect(found).toContain(target.packetId);
    // Every hit has that name: a name search is exact, never a prefix.
    const sameName = history.filter((p) => p.name === target.name).map((p) => p.packetId);
    expect(found.sort()).toEqual(sameName.sort());
    expect(page({ query: target.name.slice(0, 2) }).packets.every((p) => p.applicantName.length === 2)).toBe(true);
  });

  it('finds a packet by its ID number, with a lowercase x or spaces', () => {
    const target = history.find((p) => p.idNumber.endsWith('X')) ?? history[5]!;
    const typed = `${target.idNumber.slice(0, 6)} ${target.idNumber.slice(6).toLowerCase()}`;
    const found = page({ query: typed }).packets;
    expect(found.map((p) => p.packetId)).toContain(target.packetId);
    expect(found.length).toBe(history.filter((p) => p.idNumber === target.idNumber).length);
  });

  it('finds a packet by its document number, whole or from the kind code on, in any case', () => {
    const target = history[900]!;
    expect(page({ query: target.receiptNumber }).packets.map((p) => p.packetId)).toEqual([target.packetId]);
    const tail = target.receiptNumber.split('-').slice(-3).join('-').toLowerCase();
    expect(tail).toMatch(/^sj-2026-\d{6}$/);
    expect(page({ query: tail }).packets.map((p) => p.packetId)).toEqual([target.packetId]);
  });

  it('finds a packet by its 查询号 typed without dashes, in lower case, with O for 0', () => {
    const target = history[42]!;
    const typed = target.trackingCode.replace(/-/g, '').toLowerCase().replace(/0/g, 'o');
    const found = page({ query: typed });
    expect(found.packets.map((p) => p.packetId)).toEqual([target.packetId]);
    expect(found.packets[0]!.trackingCode).toBe(target.trackingCode);
  });

  it('finds nothing for what matches nothing, and counts nothing', () => {
    const result = page({ query: '不存在的人' });
    expect(result.packets).toEqual([]);
    expect(result.counts).toEqual({ today: 0, open: 0, attention: 0, all: 0 });
  });

  it('keeps no name and no ID number in its index, only keyed digests and document numbers', () => {
    const terms = db
      .prepare<[], { term: string }>('SELECT term FROM packet_search')
      .pluck()
      .all() as unknown as string[];
    expect(terms.length).toBeGreaterThanOrEqual(history.length * 4);
    for (const term of terms) expect(term).toMatch(/^(n:|i:)[A-Za-z0-9_-]{43}$|^d:[A-Z0-9-]+$/);
    const all = terms.join('\n');
    for (const p of history.slice(0, 200)) {
      expect(all).not.toContain(p.name);
      expect(all).not.toContain(p.idNumber);
      expect(all).not.toContain(p.idNumber.slice(6, 14)); // not even the birth date part
    }
    // Another key (another hall PC's) makes other digests: the index cannot be matched across.
    const other = new PacketStore(db, newKey());
    expect(
      other.page({ filter: 'all', todayFrom: 0, query: history[0]!.name, after: null, limit: 5, held: [] }).packets,
    ).toEqual([]);
  });

  it('indexes packets sealed before the index existed, once', () => {
    const target = history[321]!;
    db.prepare('DELETE FROM packet_search WHERE packet_id = ?').run(target.packetId);
    expect(page({ query: target.idNumber }).packets.map((p) => p.packetId)).not.toContain(target.packetId);
    expect(store.indexMissing()).toBe(1);
    expect(store.indexMissing()).toBe(0);
    expect(page({ query: target.idNumber }).packets.map((p) => p.packetId)).toContain(target.packetId);
  });
});

describe('the queue pages', () => {
  it('walk the whole history newest first, without a gap or a repeat', () => {
    const walked = walk({ filter: 'all', limit: 37 });
    expect(walked).toEqual(newestFirst(history).map((p) => p.packetId));
  });

  it('stay where they were when a packet is sealed meanwhile', () => {
    const first = page({ limit: 10 });
    const second = page({ limit: 10, after: first.next });
    fillHistory(db, store, { count: 1, until: UNTIL + 60_000, days: 0.001, seed: 99 }).forEach((p) => history.push(p));
    const again = page({ limit: 10, after: first.next });
    expect(again.packets.map((p) => p.packetId)).toEqual(second.packets.map((p) => p.packetId));
    expect(page({ limit: 1 }).packets[0]!.packetId).toBe(history.at(-1)!.packetId);
  });

  it('filter today, open and needing the clerk, and count each under the same search', () => {
    const held = history.filter((p) => p.state === 'blocked').map(({ packetId, version }) => ({ packetId, version }));
    expect(held.length).toBeGreaterThan(0);
    const expected: Record<QueueFilter, HistoryPacket[]> = {
      all: history,
      today: history.filter((p) => p.sealedAt >= TODAY_FROM),
      open: history.filter((p) => !FINISHED_STATES.has(p.state) && latest(p)),
      attention: history.filter(
        (p) => latest(p) && (CLERK_ATTENTION_STATES.includes(p.state) || p.state === 'blocked'),
      ),
    };
    const { counts } = page({ held });
    for (const filter of Object.keys(expected) as QueueFilter[]) {
      expect(counts[filter], filter).toBe(expected[filter].length);
      expect(walk({ filter, held, limit: 100 }), filter).toEqual(newestFirst(expected[filter]).map((p) => p.packetId));
    }
    expect(counts.today).toBeGreaterThan(0);
    expect(counts.attention).toBeLessThan(counts.open + counts.all);

    const target = expected.attention[0]!;
    const searched = page({ filter: 'attention', held, query: target.trackingCode });
    expect(searched.packets.map((p) => p.packetId)).toEqual([target.packetId]);
    expect(searched.counts).toMatchObject({ attention: 1, all: 1, today: target.sealedAt >= TODAY_FROM ? 1 : 0 });
  });

  it('refuse a cursor the core never gave', () => {
    expect(() => decodeCursor('bm9wZQ')).toThrow(/cursor/);
    expect(() => decodeCursor(Buffer.from('[1,"x"]').toString('base64url'))).toThrow(/cursor/);
    expect(decodeCursor(encodeCursor({ sealedAt: 5, packetId: 'p', version: 2 }))).toEqual({
      sealedAt: 5,
      packetId: 'p',
      version: 2,
    });
  });

  it('reach a deep page by the index, not by counting rows off', () => {
    const plan = db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT p.packet_id FROM packets p JOIN packet_state s USING (packet_id, version)
         WHERE (p.sealed_at, p.packet_id, p.version) < (?, ?, ?) ORDER BY p.sealed_at DESC, p.packet_id DESC, p.version DESC LIMIT 50`,
      )
      .all(UNTIL - 30 * DAY, 'x', 1) as Array<{ detail: string }>;
    expect(plan.map((row) => row.detail).join('\n')).toMatch(/packets_by_page/);
  });
});
