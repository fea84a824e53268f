// The queue at a busy window (`npm run bench -- queue`): a year of history (60,000
// packets, about 240 a working day, sealed through the real PacketStore into an encrypted
// database), then p50/p95 of `PacketStore.page` — what `packets.list` runs — for the first
// page of each filter, a deep page, and each kind of search.
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startOfHallDay } from '../src-main/common/hall-time.ts';
import { PacketStore, type PageQuery } from '../src-main/packets/packet-store.ts';
import { openDatabase } from '../src-main/store/database.ts';
import { fillHistory } from '../tests/fixtures/queue-history.ts';
import { record, workDir } from './support.ts';

const COUNT = Number(process.env.QUEUE_BENCH_PACKETS ?? 60_000);
const RUNS = 200;

function percentiles(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  return `p50 ${at(0.5).toFixed(2)} ms, p95 ${at(0.95).toFixed(2)} ms`;
}

export async function benchQueue(): Promise<void> {
  const dir = workDir();
  const db = openDatabase({ file: join(dir, 'db', 'tongban.db'), key: Buffer.alloc(32, 7), backupDir: dir });
  const store = new PacketStore(db, Buffer.alloc(32, 8));
  const until = Date.now();
  let started = performance.now();
  const history = fillHistory(db, store, { count: COUNT, until, days: 365, seed: 2026 });
  const fillMs = performance.now() - started;
  db.pragma('wal_checkpoint(TRUNCATE)');
  const bytes = statSync(join(dir, 'db', 'tongban.db')).size;
  record(
    `queue: a year of history, ${COUNT.toLocaleString('en')} packets sealed`,
    `${(fillMs / 1000).toFixed(1)} s`,
    `${((COUNT / fillMs) * 1000).toFixed(0)} packets/s, database ${(bytes / 1024 / 1024).toFixed(0)} MiB`,
  );

  // The outbox holds a few for a person: the 需人工处理 filter names them.
  const held = history.filter((p) => p.state === 'blocked').map(({ packetId, version }) => ({ packetId, version }));
  const base: PageQuery = { filter: 'all', todayFrom: startOfHallDay(until), query: '', after: null, limit: 50, held };
  const time = (name: string, queries: (i: number) => PageQuery, note?: string) => {
    const samples: number[] = [];
    let rows = 0;
    for (let i = 0; i < RUNS; i++) {
      const query = queries(i);
      const t0 = performance.now();
      rows += store.page(query).packets.length;
      samples.push(performance.now() - t0);
    }
    record(
      `queue: ${name}`,
      percentiles(samples),
      `${note ? `${note}; ` : ''}${(rows / RUNS).toFixed(1)} rows a page, counts included`,
    );
  };

  for (const filter of ['today', 'open', 'attention', 'all'] as const)
    time(`first page, filter ${filter}`, () => ({ ...base, filter }));
  // A cursor halfway through the year: keyset paging seeks to it by the index.
  const newest = [...history].sort((a, b) => b.sealedAt - a.sealedAt || (a.packetId < b.packetId ? 1 : -1));
  const deep = newest[Math.floor(COUNT / 2)]!;
  time(`deep page (row ${Math.floor(COUNT / 2).toLocaleString('en')} of all)`, () => ({
    ...base,
    after: { sealedAt: deep.sealedAt, packetId: deep.packetId, version: 1 },
  }));
  const pick = (i: number) => history[(i * 7919) % history.length]!;
  time('search by name', (i) => ({ ...base, query: pick(i).name }), 'a whole name, exact (HMAC index)');
  time('search by ID number', (i) => ({ ...base, query: pick(i).idNumber.toLowerCase() }));
  time('search by document number', (i) => ({ ...base, query: pick(i).receiptNumber }));
  time('search by document number tail', (i) => ({
    ...base,
    query: pick(i).receiptNumber.split('-').slice(-3).join('-'),
  }));
  time('search by 查询号', (i) => ({ ...base, query: pick(i).trackingCode.replace(/-/g, '').toLowerCase() }));
  time('search by name within 需人工处理', (i) => ({ ...base, filter: 'attention', query: pick(i).name }));
  started = performance.now();
  db.prepare('DELETE FROM packet_search').run();
  const indexed = store.indexMissing();
  record(
    'queue: index a year sealed before the search index',
    `${((performance.now() - started) / 1000).toFixed(1)} s`,
    `${indexed} versions, once at start`,
  );
  db.close();
  rmSync(dir, { recursive: true, force: true });
}
