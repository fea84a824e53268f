// Foundation figures: boot, event log, blob store, contract calls over the
// browser host's WebSocket — all on the real parts.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { decodeMessage, encodeMessage, type ResultMessage } from '../src-main/api/wire.ts';
import { systemClock } from '../src-main/core/platform.ts';
import { startBrowserHost } from '../src-main/host/server.ts';
import { EventLog } from '../src-main/recording/event-log.ts';
import { BlobStore } from '../src-main/store/blob-store.ts';
import { openDatabase } from '../src-main/store/database.ts';

import { MiB, bootCore, record, workDir } from './support.ts';

async function benchBoot(): Promise<void> {
  const dir = workDir();
  let started = performance.now();
  const first = await bootCore(dir);
  record('core boot, first run', `${(performance.now() - started).toFixed(0)} ms`, 'creates key, database, migrations');
  await first.close();
  started = performance.now();
  const second = await bootCore(dir);
  record('core boot, warm', `${(performance.now() - started).toFixed(0)} ms`);
  await second.close();
  rmSync(dir, { recursive: true, force: true });
}

function benchEventLog(): void {
  const dir = workDir();
  const db = openDatabase({ file: join(dir, 'bench.db'), key: Buffer.alloc(32, 3), backupDir: dir });
  const log = new EventLog(db, systemClock, Buffer.alloc(32, 4));
  const count = 5000;
  const payload = { field: 'applicant.phone', value: '13800000000', step: 'form' };
  let started = performance.now();
  for (let i = 0; i < count; i++) log.append({ stream: 'session-bench', actor: 'clerk01', kind: 'intake.fieldChanged', payload });
  const appendMs = performance.now() - started;
  record('event log append (synchronous=FULL)', `${((count / appendMs) * 1000).toFixed(0)} events/s`, `${(appendMs / count).toFixed(3)} ms each`);
  started = performance.now();
  const verdict = log.verify('session-bench');
  record('event log verify', `${((count / (performance.now() - started)) * 1000).toFixed(0)} events/s`, `ok=${verdict.ok}`);
  db.close();
  rmSync(dir, { recursive: true, force: true });
}

async function benchBlobs(): Promise<void> {
  const dir = workDir();
  const store = new BlobStore(dir, Buffer.alloc(32, 5));
  const size = 64 * MiB;
  const chunk = Buffer.alloc(MiB);
  async function* source() {
    for (let i = 0; i < size / MiB; i++) {
      chunk.writeUInt32LE(i, 0); // distinct content per run of the loop
      yield chunk;
    }
  }
  const rssBefore = process.memoryUsage().rss;
  let started = performance.now();
  const { sha256 } = await store.put(source());
  const putMs = performance.now() - started;
  record('blob put, 64 MiB streamed (encrypt + hash + fsync)', `${(size / MiB / (putMs / 1000)).toFixed(0)} MiB/s`);
  started = performance.now();
  let bytes = 0;
  for await (const piece of store.openRange(sha256, 8 * MiB + 123, 24 * MiB + 123)) bytes += piece.length;
  record('blob range read, 16 MiB at an odd offset', `${(bytes / MiB / ((performance.now() - started) / 1000)).toFixed(0)} MiB/s`);
  record('resident memory growth during blob work', `${((process.memoryUsage().rss - rssBefore) / MiB).toFixed(1)} MiB`);
  rmSync(dir, { recursive: true, force: true });
}

async function benchWebSocketCalls(): Promise<void> {
  const dir = workDir();
  const core = await bootCore(dir);
  const host = await startBrowserHost({ core, rendererDir: dir });
  // The token as the page gets it: the one-time code of the page URL, traded once.
  const code = new URL(host.openUrl()).hash.replace('#code=', '');
  const traded = await fetch(`${host.origin}/api/session`, {
    method: 'POST',
    headers: { origin: host.origin, 'content-type': 'application/json' },
    body: JSON.stringify({ code }),
  });
  const { token } = (await traded.json()) as { token: string };
  const ws = new WebSocket(`${host.origin.replace('http', 'ws')}/api?token=${token}`, { origin: host.origin });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const latencies: number[] = [];
  for (let id = 1; id <= 2000; id++) {
    const started = performance.now();
    const answer = new Promise<ResultMessage>((resolve) =>
      ws.once('message', (data: Buffer) => resolve(decodeMessage(data) as ResultMessage)),
    );
    ws.send(encodeMessage({ type: 'call', id, method: 'auth.session', input: {} }));
    await answer;
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.floor((latencies.length - 1) * p)]!.toFixed(2);
  record('contract call over the browser host WebSocket', `p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms`, '2000 sequential calls');
  ws.close();
  await host.close();
  await core.close();
  rmSync(dir, { recursive: true, force: true });
}

export async function benchFoundation(): Promise<void> {
  await benchBoot();
  benchEventLog();
  await benchBlobs();
  await benchWebSocketCalls();
}
