// The supervisor's session list over a year (`npm run bench -- sessions`): 20,000 counter
// sessions (about 55 a day at one window) written into an encrypted database through the
// real event log, the session index folding each event as it is appended; a third signed
// off. Then p50/p95 of `SessionIndex.list` — what `sessions.list` runs — for the first
// page under each filter, a combination, a page deep in the year, and a session opened
// (its chain verified); and the index rebuilt from the log alone, as at the first start
// after the migration. Camera segments are 30 s here (the recorder's are a few seconds):
// segments cost the fill, not the list.
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EventLog } from '../src-main/recording/event-log.ts';
import { SessionIndex, type SessionQuery } from '../src-main/recording/sessions.ts';
import { openDatabase } from '../src-main/store/database.ts';
import { appendSession, type SessionPlan } from '../tests/fixtures/session-history.ts';
import { record, workDir } from './support.ts';

const COUNT = Number(process.env.SESSIONS_BENCH_COUNT ?? 20_000);
const DAYS = 365;
const RUNS = 200;
const MIN = 60_000;

function percentiles(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  return `p50 ${at(0.5).toFixed(2)} ms, p95 ${at(0.95).toFixed(2)} ms`;
}

/** A deterministic generator (mulberry32), so every run writes the same year. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function benchSessions(): Promise<void> {
  const dir = workDir();
  const file = join(dir, 'db', 'tongban.db');
  const db = openDatabase({ file, key: Buffer.alloc(32, 7), backupDir: dir });
  const start = Date.UTC(2025, 11, 1, 1, 0, 0);
  let wall = start;
  let mono = 0;
  const clock = {
    now: () => wall,
    monotonic: () => mono,
    advance: (ms: number) => {
      wall += ms;
      mono += ms;
    },
  };
  const log = new EventLog(db, clock, Buffer.alloc(32, 8));
  const index = new SessionIndex(db, log);
  const rand = random(2026);
  const clerks = ['clerk01', 'clerk02', 'clerk03', 'clerk04'];
  const items = ['SBK', 'HJQY', 'JZZ', 'GJJTQ', 'YBZY', 'LTXJD'];
  const usual = [8, 12, 6, 10, 15, 9];
  const perDay = COUNT / DAYS;
  const ids: string[] = [];
  let started = performance.now();
  for (let day = 0; day < DAYS; day++) {
    wall = start + day * 86_400_000;
    const today = Math.round(perDay * (day + 1)) - Math.round(perDay * day);
    // One transaction a day: a year of single-event commits (and fsyncs) would measure the disk.
    db.transaction(() => {
      for (let i = 0; i < today; i++) {
        const kind = Math.floor(rand() * items.length);
        const r = rand();
        const plan: SessionPlan = {
          clerk: clerks[Math.floor(rand() * clerks.length)]!,
          itemCode: items[kind]!,
          durationMs: Math.round(usual[kind]! * MIN * (0.6 + rand() * 0.8) * (rand() < 0.01 ? 4 : 1)),
          outcome: r < 0.05 ? 'abandoned' : r < 0.15 ? 'correction' : 'sealed',
          recording: { segmentMs: 30_000, gap: rand() < 0.02 },
          override: rand() < 0.03,
          receipt: rand() > 0.01,
        };
        ids.push(appendSession(log, clock, plan));
        clock.advance(Math.round(rand() * 4 * MIN));
      }
    })();
  }
  // A third of the year signed off (each verifies its chain first).
  db.transaction(() => {
    for (let i = 0; i < ids.length; i += 3) index.signOff('super01', ids[i]!, 'ok');
  })();
  const fillMs = performance.now() - started;
  const events = (db.prepare('SELECT count(*) AS n FROM event_log').get() as { n: number }).n;
  db.pragma('wal_checkpoint(TRUNCATE)');
  record(
    `sessions: a year, ${COUNT.toLocaleString('en')} sessions logged and indexed`,
    `${(fillMs / 1000).toFixed(1)} s`,
    `${events.toLocaleString('en')} events, database ${(statSync(file).size / 1024 / 1024).toFixed(0)} MiB`,
  );

  const time = (name: string, query: (i: number) => SessionQuery) => {
    const samples: number[] = [];
    let rows = 0;
    let total = 0;
    for (let i = 0; i < RUNS; i++) {
      const q = query(i);
      const t0 = performance.now();
      const page = index.list(q);
      samples.push(performance.now() - t0);
      rows += page.sessions.length;
      total = page.total;
    }
    record(
      `sessions: ${name}`,
      percentiles(samples),
      `${(rows / RUNS).toFixed(0)} rows a page, ${total} in the filter (counted)`,
    );
  };
  const base: SessionQuery = { limit: 50 };
  const day = (offset: number) => new Date(start + 8 * 3_600_000 + offset * 86_400_000).toISOString().slice(0, 10);
  time('first page, no filter', () => base);
  time('first page, one clerk', (i) => ({ ...base, clerk: clerks[i % clerks.length]! }));
  time('first page, one item', (i) => ({ ...base, itemCode: items[i % items.length]! }));
  time('first page, outcome 补正', () => ({ ...base, outcome: 'correction' }));
  time('first page, any flag', () => ({ ...base, flag: 'any' }));
  time('first page, flag 用时过长 (rare)', () => ({ ...base, flag: 'long' }));
  time('first page, not signed off', () => ({ ...base, reviewed: false }));
  time('first page, one week', (i) => ({ ...base, from: day(100 + (i % 200)), to: day(106 + (i % 200)) }));
  time('first page, clerk + item + any flag + not signed off', (i) => ({
    ...base,
    clerk: clerks[i % clerks.length]!,
    itemCode: items[i % items.length]!,
    flag: 'any',
    reviewed: false,
  }));
  // Deep: the cursor of the page that starts half-way through the year.
  let after: string | undefined;
  for (let page = 0; page < Math.floor(COUNT / 2 / 50); page++) {
    after = index.list({ ...base, ...(after ? { after } : {}) }).nextCursor ?? undefined;
  }
  time(`deep page (row ${Math.floor(COUNT / 2).toLocaleString('en')} of the year)`, () => ({ ...base, after: after! }));
  const opened: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const id = ids[(i * 7919) % ids.length]!;
    const t0 = performance.now();
    index.get(id);
    opened.push(performance.now() - t0);
  }
  record('sessions: a session opened (steps, flags, chain verified)', percentiles(opened));

  started = performance.now();
  db.prepare('DELETE FROM counter_sessions').run();
  const folded = index.catchUp();
  record(
    'sessions: the index rebuilt from the log (first start after migration 17)',
    `${((performance.now() - started) / 1000).toFixed(1)} s`,
    `${folded.toLocaleString('en')} sessions, ${events.toLocaleString('en')} events`,
  );
  db.close();
  rmSync(dir, { recursive: true, force: true });
}
