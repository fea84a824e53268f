// The load generator: N simulated windows speaking the windows' real protocol
// (docs/sync-protocol.md) to one inbox deployment, from one process. Every window holds
// a long poll of its change feed; some of them also send packets one after another —
// signed manifest PUT, tus POST/PATCH of each missing file, commit — retrying as a
// window does (5xx, 408, 429, network failures: backoff with full jitter, at least
// Retry-After; a cut PATCH resumes from HEAD's offset, a 404/410 upload starts again,
// `packet.filesMissing` uploads those files and commits again).
//
// A window is a few fields (id, token, key, cursor): no per-window agent, database or
// buffers. File bytes come from one pool (payload.ts).
import { setMaxListeners } from 'node:events';
import { v7 as uuidv7 } from 'uuid';
import {
  CHANGES_PATH,
  commitPath,
  FILES_PATH,
  isRetryableStatus,
  packetVersionPath,
  type ReceivedManifest,
} from '../../src-main/common/sync-protocol.ts';
import { signManifest } from '../../src-main/sync/signing.ts';
import { DEFAULT_CHUNK_BYTES } from '../../src-main/sync/sync-options.ts';
import type { LoadWindow } from './deployment.ts';
import { LoadHttp, type Answer } from './http.ts';
import { PayloadPool, type PayloadFile } from './payload.ts';

const KiB = 1024;
const MiB = 1024 * KiB;

export interface LoadScenario {
  /** Of the windows given, how many send packets (the others only poll their feeds). */
  uploaders: number;
  /** No packet is started after this long; those under way finish. */
  durationMs: number;
  /** Or stop starting packets once this many were started (whichever comes first). */
  maxPackets: number;
  /**
   * A sender starts a packet at most this often, the first one at a random moment within
   * it (0: back to back from the start, the inbox saturated). Paced senders measure
   * latency at a load below saturation.
   */
  packetIntervalMs: number;
  /** Pages (files) of a packet. */
  pages: number;
  /** Average page size; pages vary ±10 % around it. */
  pageBytes: number;
  /** Every `largeEvery`-th packet also carries one file of `largeBytes` (0: none). */
  largeEvery: number;
  largeBytes: number;
  /** Files one window sends at once (the inbox allows 16 unfinished uploads per window). */
  uploadConcurrency: number;
  /** PATCH size (the window's, DEFAULT_CHUNK_BYTES of src-main/sync/sync-options.ts). */
  chunkBytes: number;
  /** Long-poll wait of the change feed, seconds (≤ 30). */
  waitSeconds: number;
  /** After the last commit, how long to wait for every `delivered` change to reach its window. */
  drainMs: number;
  /** Retry backoff: full jitter on base·2^attempt, capped; a request gives up after `giveUpMs`. */
  backoffBaseMs: number;
  backoffCapMs: number;
  giveUpMs: number;
}

export const DEFAULT_SCENARIO: LoadScenario = {
  uploaders: 50,
  durationMs: 60_000,
  maxPackets: Number.POSITIVE_INFINITY,
  packetIntervalMs: 0,
  pages: 50,
  pageBytes: 200 * KiB,
  largeEvery: 0,
  largeBytes: 100 * MiB,
  uploadConcurrency: 4,
  chunkBytes: DEFAULT_CHUNK_BYTES,
  waitSeconds: 30,
  drainMs: 30_000,
  backoffBaseMs: 200,
  backoffCapMs: 5000,
  giveUpMs: 120_000,
};

/** A packet the inbox answered `delivered` to: what verify.ts checks on the inbox's side. */
export interface CommittedPacket {
  windowId: string;
  packetId: string;
  version: number;
  manifestHash: string;
  /** Every file the manifest lists, in listed order. */
  files: Array<{ sha256: string; size: number }>;
  bytes: number;
  departmentReference: string;
}

export interface LatencyStats {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export interface LoadResult {
  /** From the first packet started to the last one committed, seconds. */
  seconds: number;
  packets: number;
  /** Of them, packets with a large file. */
  largePackets: number;
  bytes: number;
  packetsPerSecond: number;
  mibPerSecond: number;
  /**
   * File bytes the inbox accepted (PATCH answered 204) until the first sender had no
   * packet left to send (back to back: while every sender was busy), per second: free of the tail
   * where the last packets finish (a packet of ~10 MiB takes tens of seconds when 50 send).
   */
  busyMiBPerSecond: number;
  /** Milliseconds. `feed`: from the inbox recording a `delivered` change (its `at`) to the window holding the poll's answer. */
  latency: { register: LatencyStats; upload: LatencyStats; commit: LatencyStats; feed: LatencyStats };
  /** Every answer or failure that was not the protocol's success, by `step status code` (retried or not). */
  errors: Record<string, number>;
  errorCount: number;
  /** Packets given up (a non-retryable answer, or retries past giveUpMs). */
  failedPackets: number;
  committed: CommittedPacket[];
  /** Committed packets whose `delivered` change reached their window other than exactly once. */
  feedProblems: string[];
  /** Long polls answered (with or without changes). */
  polls: number;
  /**
   * This process: CPU seconds used during the run; resident memory (MiB) when it began
   * and its peak during the run (sampled each 500 ms) — the growth is the generator's.
   */
  client: { cpuSeconds: number; rssStartMiB: number; rssPeakMiB: number };
}

/** An answer that ends the packet: not retryable, not one the flow handles. */
class Refused extends Error {
  override readonly name = 'Refused';
}

interface WindowState {
  window: LoadWindow;
  auth: Record<string, string>;
  cursor: number;
}

interface ProtocolError {
  error?: { code?: string; missingFiles?: string[] };
}

/** Runs the scenario against the inbox at `url` with these enrolled windows. */
export async function runLoad(
  url: string,
  windows: LoadWindow[],
  given: Partial<LoadScenario> = {},
): Promise<LoadResult> {
  const scenario: LoadScenario = { ...DEFAULT_SCENARIO, ...given };
  if (scenario.uploaders > windows.length) throw new RangeError('more uploaders than windows');
  const base = url.replace(/\/+$/, '');
  const http = new LoadHttp();
  const pool = new PayloadPool();
  const errors: Record<string, number> = {};
  const latency = { register: [] as number[], upload: [] as number[], commit: [] as number[], feed: [] as number[] };
  const committed: CommittedPacket[] = [];
  const deliveredSeen = new Map<string, number>();
  let failedPackets = 0;
  let started = 0;
  let largePackets = 0;
  let polls = 0;
  // Until the first sender has no packet left to send, every sender is busy.
  let busyBytes = 0;
  let busyUntil: number | undefined;
  const stopPolls = new AbortController();
  setMaxListeners(0, stopPolls.signal); // one listener per open long poll
  const states: WindowState[] = windows.map((window) => ({
    window,
    auth: { authorization: `Bearer ${window.token}` },
    cursor: 0,
  }));

  const count = (kind: string) => {
    errors[kind] = (errors[kind] ?? 0) + 1;
  };
  const kindOf = (step: string, answer: Answer) => {
    let code: string;
    try {
      code = answer.text ? ((JSON.parse(answer.text) as ProtocolError).error?.code ?? '') : '';
    } catch {
      code = 'non-protocol body';
    }
    return `${step} ${answer.status}${code ? ` ${code}` : ''}`;
  };
  const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));
  const backoff = (attempt: number, answer?: Answer) => {
    const jitter = Math.random() * Math.min(scenario.backoffCapMs, scenario.backoffBaseMs * 2 ** attempt);
    const retryAfter = Number(answer?.headers['retry-after'] ?? 0) * 1000;
    return sleep(Math.max(jitter, Number.isFinite(retryAfter) ? retryAfter : 0));
  };

  /**
   * One request retried as a window retries it: until `done` accepts the answer, a
   * non-retryable answer throws Refused, or time runs out.
   */
  async function retried(step: string, send: () => Promise<Answer>, done: (answer: Answer) => boolean) {
    const giveUpAt = Date.now() + scenario.giveUpMs;
    for (let attempt = 0; ; attempt++) {
      let answer: Answer | undefined;
      try {
        answer = await send();
        if (done(answer)) return answer;
        count(kindOf(step, answer));
        if (!isRetryableStatus(answer.status)) throw new Refused(kindOf(step, answer));
      } catch (error) {
        if (error instanceof Refused) throw error;
        count(`${step} ${(error as { code?: string }).code ?? (error as Error).message}`);
      }
      if (Date.now() > giveUpAt) throw new Refused(`${step}: gave up after ${scenario.giveUpMs} ms`);
      await backoff(attempt, answer);
    }
  }

  /** tus: POST, PATCH from the offset held, HEAD after a failure, a new POST after 404/410. */
  async function uploadFile(state: WindowState, packetId: string, file: PayloadFile): Promise<void> {
    const t0 = performance.now();
    const giveUpAt = Date.now() + scenario.giveUpMs;
    const tus = { ...state.auth, 'tus-resumable': '1.0.0' };
    const metadata = `sha256 ${Buffer.from(file.sha256).toString('base64')},packetId ${Buffer.from(packetId).toString('base64')}`;
    let location: string | undefined;
    let offset = 0;
    let ask = false; // HEAD for the offset before the next PATCH
    for (let attempt = 0; ;) {
      let answer: Answer | undefined;
      const method = location === undefined ? 'POST' : ask ? 'HEAD' : 'PATCH';
      try {
        if (location === undefined) {
          answer = await http.request('POST', `${base}${FILES_PATH}`, {
            headers: { ...tus, 'upload-length': String(file.size), 'upload-metadata': metadata },
          });
          if (answer.status === 201 && answer.headers.location) {
            location = new URL(answer.headers.location, base).href;
            offset = 0;
            ask = false;
            continue;
          }
          count(kindOf('upload POST', answer));
        } else if (ask) {
          answer = await http.request('HEAD', location, { headers: tus });
          if (answer.status === 200) {
            offset = Number(answer.headers['upload-offset']);
            ask = false;
            if (offset === file.size) break;
            continue;
          }
          count(kindOf('upload HEAD', answer));
          if (answer.status === 404 || answer.status === 410) {
            location = undefined;
            continue;
          }
        } else {
          const end = Math.min(file.size, offset + scenario.chunkBytes);
          answer = await http.request('PATCH', location, {
            headers: { ...tus, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' },
            body: pool.slices(file, offset, end),
            timeoutMs: 120_000,
          });
          if (answer.status === 204) {
            const from = offset;
            offset = Number(answer.headers['upload-offset'] ?? end);
            if (busyUntil === undefined) busyBytes += offset - from;
            if (offset >= file.size) break;
            attempt = 0;
            continue;
          }
          count(kindOf('upload PATCH', answer));
          if (answer.status === 404 || answer.status === 410) {
            location = undefined;
            continue;
          }
          if (answer.status === 409) ask = true; // offset conflict: HEAD, then go on
        }
        if (answer.status !== 409 && !isRetryableStatus(answer.status)) throw new Refused(kindOf('upload', answer));
      } catch (error) {
        if (error instanceof Refused) throw error;
        count(`upload ${method} ${(error as { code?: string }).code ?? (error as Error).message}`);
      }
      if (location !== undefined) ask = true;
      if (Date.now() > giveUpAt) throw new Refused(`upload: gave up after ${scenario.giveUpMs} ms`);
      await backoff(attempt++, answer);
    }
    latency.upload.push(performance.now() - t0);
  }

  async function uploadAll(state: WindowState, packetId: string, files: PayloadFile[]): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < files.length) await uploadFile(state, packetId, files[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(scenario.uploadConcurrency, files.length) }, worker));
  }

  async function sendPacket(state: WindowState, serial: number): Promise<void> {
    const packetId = uuidv7();
    const large = scenario.largeEvery > 0 && serial % scenario.largeEvery === scenario.largeEvery - 1;
    const files: PayloadFile[] = [];
    for (let i = 0; i < scenario.pages; i++) {
      const size = Math.max(64, Math.round(scenario.pageBytes * (0.9 + ((i * 7) % 11) * 0.02)));
      files.push(pool.file(size, `${packetId}/${i}`));
    }
    if (large) files.push(pool.file(scenario.largeBytes, `${packetId}/large`));
    const manifest: ReceivedManifest = {
      packetId,
      version: 1,
      windowId: state.window.windowId,
      itemCode: '11100000MB0317012X-001',
      files: files.map((file, i) => ({
        sha256: file.sha256,
        size: file.size,
        ...(i < scenario.pages
          ? { mediaType: 'image/jpeg', name: `第${i + 1}页.jpg` }
          : { mediaType: 'application/pdf', name: '档案扫描件.pdf' }),
      })),
      applicant: { name: '张三', idNumberMasked: '1101**********1234' },
      form: { purpose: '负载测试' },
    };
    const body = JSON.stringify({ manifest, signature: signManifest(manifest, state.window.key) });
    const json = { ...state.auth, 'content-type': 'application/json' };
    const put = async () => {
      const t0 = performance.now();
      const answer = await retried(
        'register',
        () => http.request('PUT', `${base}${packetVersionPath(packetId, 1)}`, { headers: json, body }),
        (a) => a.status === 200,
      );
      latency.register.push(performance.now() - t0);
      return JSON.parse(answer.text) as { manifestHash: string; missingFiles: string[] };
    };
    const byHash = new Map(files.map((file) => [file.sha256, file]));
    const registered = await put();
    await uploadAll(
      state,
      packetId,
      registered.missingFiles.map((sha) => byHash.get(sha)!),
    );
    for (let round = 0; ; round++) {
      const t0 = performance.now();
      const answer = await retried(
        'commit',
        () =>
          http.request('POST', `${base}${commitPath(packetId, 1)}`, {
            headers: json,
            body: JSON.stringify({ manifestHash: registered.manifestHash }),
          }),
        (a) => a.status === 200 || a.status === 409 || a.status === 404,
      );
      if (answer.status === 200) {
        latency.commit.push(performance.now() - t0);
        const receipt = JSON.parse(answer.text) as { departmentReference: string };
        committed.push({
          windowId: state.window.windowId,
          packetId,
          version: 1,
          manifestHash: registered.manifestHash,
          files: files.map(({ sha256, size }) => ({ sha256, size })),
          bytes: files.reduce((sum, file) => sum + file.size, 0),
          departmentReference: receipt.departmentReference,
        });
        if (large) largePackets += 1;
        return;
      }
      count(kindOf('commit', answer));
      if (round >= 3) throw new Refused(`commit: still ${kindOf('commit', answer)} after ${round + 1} rounds`);
      const error = (JSON.parse(answer.text) as ProtocolError).error;
      if (answer.status === 404 && error?.code === 'packet.notFound') {
        const again = await put();
        await uploadAll(
          state,
          packetId,
          again.missingFiles.map((sha) => byHash.get(sha)!),
        );
      } else if (error?.code === 'packet.filesMissing') {
        await uploadAll(
          state,
          packetId,
          (error.missingFiles ?? []).map((sha) => byHash.get(sha)!),
        );
      } else throw new Refused(kindOf('commit', answer));
    }
  }

  async function poll(state: WindowState): Promise<void> {
    for (let attempt = 0; !stopPolls.signal.aborted;) {
      let answer: Answer | undefined;
      try {
        answer = await http.request(
          'GET',
          `${base}${CHANGES_PATH}?after=${state.cursor}&wait=${scenario.waitSeconds}&limit=500`,
          { headers: state.auth, signal: stopPolls.signal, timeoutMs: (scenario.waitSeconds + 15) * 1000 },
        );
        if (answer.status === 200) {
          const at = Date.now();
          polls += 1;
          const page = JSON.parse(answer.text) as {
            changes: Array<{ packetId: string; version: number; state: string; at: string }>;
            cursor: number;
          };
          for (const change of page.changes) {
            if (change.state !== 'delivered') continue;
            latency.feed.push(at - Date.parse(change.at));
            const key = `${change.packetId}/${change.version}`;
            deliveredSeen.set(key, (deliveredSeen.get(key) ?? 0) + 1);
          }
          state.cursor = page.cursor;
          attempt = 0;
          continue;
        }
        count(kindOf('feed', answer));
      } catch (error) {
        if (stopPolls.signal.aborted) return;
        count(`feed ${(error as { code?: string }).code ?? (error as Error).message}`);
      }
      await backoff(attempt++, answer);
    }
  }

  const cpu0 = process.cpuUsage();
  const rssStart = process.memoryUsage.rss();
  let rssPeak = rssStart;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage.rss())), 500);
  const pollers = states.map((state) => poll(state));
  const t0 = performance.now();
  const stopAt = Date.now() + scenario.durationMs;
  const senders = states.slice(0, scenario.uploaders).map(async (state) => {
    const first = Date.now() + Math.random() * scenario.packetIntervalMs;
    for (let next = first; Date.now() < stopAt && started < scenario.maxPackets;) {
      if (next >= stopAt) break;
      if (next > Date.now()) await sleep(next - Date.now());
      next = Date.now() + scenario.packetIntervalMs;
      const serial = started++;
      try {
        await sendPacket(state, serial);
      } catch (error) {
        failedPackets += 1;
        if (!(error instanceof Refused)) count(`packet ${(error as Error).message}`);
      }
    }
    busyUntil ??= performance.now();
  });
  await Promise.all(senders);
  const seconds = (performance.now() - t0) / 1000;

  // Every committed packet's `delivered` change should reach its window's feed.
  const drainUntil = Date.now() + scenario.drainMs;
  const unseen = () => committed.some((p) => !deliveredSeen.has(`${p.packetId}/${p.version}`));
  while (unseen() && Date.now() < drainUntil) await sleep(50);
  stopPolls.abort();
  await Promise.all(pollers);
  http.close();
  clearInterval(sampler);
  const cpu = process.cpuUsage(cpu0);

  const feedProblems: string[] = [];
  for (const p of committed) {
    const times = deliveredSeen.get(`${p.packetId}/${p.version}`) ?? 0;
    if (times !== 1)
      feedProblems.push(`${p.windowId} ${p.packetId} v${p.version}: delivered change seen ${times} times`);
  }
  const bytes = committed.reduce((sum, p) => sum + p.bytes, 0);
  return {
    seconds,
    packets: committed.length,
    largePackets,
    bytes,
    packetsPerSecond: committed.length / seconds,
    mibPerSecond: bytes / MiB / seconds,
    busyMiBPerSecond: busyBytes / MiB / (((busyUntil ?? performance.now()) - t0) / 1000),
    latency: {
      register: stats(latency.register),
      upload: stats(latency.upload),
      commit: stats(latency.commit),
      feed: stats(latency.feed),
    },
    errors,
    errorCount: Object.values(errors).reduce((sum, n) => sum + n, 0),
    failedPackets,
    committed,
    feedProblems,
    polls,
    client: { cpuSeconds: (cpu.user + cpu.system) / 1e6, rssStartMiB: rssStart / MiB, rssPeakMiB: rssPeak / MiB },
  };
}

/** p50 and p99 by nearest rank over all samples. */
export function stats(samples: readonly number[]): LatencyStats {
  if (samples.length === 0) return { count: 0, p50: Number.NaN, p99: Number.NaN, max: Number.NaN };
  const sorted = Float64Array.from(samples).sort();
  const rank = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { count: sorted.length, p50: rank(0.5), p99: rank(0.99), max: sorted[sorted.length - 1]! };
}
