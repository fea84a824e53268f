// Intake figures: the time from the clerk pressing 封装 to the packet stored, for a
// packet of 50 scanned pages (real PNG scans, encrypted blobs, PDF notices).
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import WebSocket from 'ws';
import { deflateSync } from 'node:zlib';
import { decodeMessage, encodeMessage, type EventMessage, type ResultMessage } from '../src-main/api/wire.ts';
import { startBrowserHost } from '../src-main/host/server.ts';
import { redeemOpenUrl } from '../tests/main/sync/process-harness.ts';
import type { Connection, HallCore } from '../src-main/core/hall-core.ts';
import { idCheckCharacter } from '../src-main/common/review/identifiers.ts';
import { bootCore, MiB, record, workDir } from './support.ts';
import { addFileBytes } from '../tests/fixtures/uploads.ts';

const PASSWORD = 'Bench#2026x';

export function caller(connection: Connection) {
  let id = 0;
  return async <T>(method: string, input: unknown = {}): Promise<T> => {
    const result: ResultMessage = await connection.handle({ type: 'call', id: ++id, method, input });
    if (!result.ok) throw new Error(`${method}: ${result.error.code} ${result.error.detail}`);
    return result.value as T;
  };
}

/** An A4 page scanned at 100 dpi in greyscale: white with specks of "text", as PNG. */
export function scannedPage(seed: number): Buffer {
  const width = 827;
  const height = 1169;
  const rows = Buffer.alloc((width + 1) * height, 255);
  let x = Math.imul(seed, 2654435761) >>> 0;
  for (let y = 0; y < height; y++) {
    rows[y * (width + 1)] = 0;
    if (y % 24 < 14 && y > 80 && y < height - 80) {
      for (let i = 60; i < width - 60; i++) {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        rows[y * (width + 1) + 1 + i] = 255 - ((x >>> 16) & 0x0f) * 12; // scanner noise and ink
      }
    }
  }
  const crc32 = (buf: Buffer) => {
    let c = ~0;
    for (const b of buf) {
      c ^= b;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    }
    return ~c >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Calls through the real dispatcher; throws on an error answer. */
export type Call = ReturnType<typeof caller>;

/** The first installer and a signed-in clerk on a fresh core; the clerk's connection gets `onEvent`. */
export async function openDesk(core: HallCore, onEvent: (event: EventMessage) => void = () => undefined) {
  const admin = caller(core.openConnection(() => undefined));
  await admin('auth.createFirstInstaller', { username: 'admin', displayName: '运维', password: PASSWORD });
  await admin('users.create', { username: 'clerk', displayName: '窗口', role: 'clerk', password: PASSWORD });
  const call = caller(core.openConnection(onEvent));
  await call('auth.login', { username: 'clerk', password: PASSWORD });
  return { admin, call };
}

/**
 * A 社会保障卡申领 draft ready to seal as 受理 once its files are in: `idCardFiles`
 * electronic ID-card pages and one photo are expected.
 */
export async function startDraft(call: Call, idCardFiles = 49): Promise<string> {
  const first17 = '51010419900307124'; // even 17th digit: female
  const idNumber = first17 + idCheckCharacter(first17);
  const draft = await call<{ id: string }>('drafts.create', { itemCode: 'KSTB-RS-0001' });
  await call('drafts.save', {
    id: draft.id,
    patch: {
      applicant: { name: '李小梅', idNumber, sex: 'female', birthDate: '1990-03-07', ethnicity: '汉', source: 'manual' },
      homeRegionCode: '510104',
      answers: {
        applicantName: '李小梅', applicantIdNumber: idNumber, phone: '13812345678', sex: 'female', ethnicity: '汉',
        insuredRegion: '510104', minor: false, financial: false, delivery: 'pickup',
      },
      counts: {
        'applicant-id-card': { original: 1, copy: 0, electronic: idCardFiles },
        photo: { original: 0, copy: 0, electronic: 1 },
      },
      conditions: { insured: 'met', 'no-valid-card': 'met' },
    },
  });
  return draft.id;
}

/** Adds 50 scanned pages (49 ID-card pages and the photo) through drafts.addFile; `seed` makes them unique. */
export async function addScannedPages(call: Call, draftId: string, seed = 1): Promise<{ bytes: number; ms: number }> {
  let bytes = 0;
  const started = performance.now();
  for (let page = 0; page < 50; page++) {
    const png = scannedPage(seed + page);
    bytes += png.length;
    await addFileBytes(call, {
      id: draftId,
      materialId: page === 49 ? 'photo' : 'applicant-id-card',
      name: `第${page + 1}页.png`,
      bytes: png,
    });
  }
  return { bytes, ms: performance.now() - started };
}

export async function benchIntake(): Promise<void> {
  const dir = workDir();
  const core = await bootCore(dir);
  const { call } = await openDesk(core);

  const draftId = await startDraft(call);
  const pages = await addScannedPages(call, draftId);
  record('add a scanned page to a draft', `${(pages.ms / 50).toFixed(1)} ms/page`, `50 pages, ${(pages.bytes / 50 / 1024).toFixed(0)} KiB each`);

  await new Promise((resolve) => setTimeout(resolve, 1500)); // the clerk reviews; the font warm-up finishes
  const sealStarted = performance.now();
  const sealed = await call<{ outcome: string; documents: unknown[] }>('drafts.seal', { id: draftId });
  const sealMs = performance.now() - sealStarted;
  record('seal → packet stored, 50-page packet', `${sealMs.toFixed(0)} ms`, `outcome ${sealed.outcome}, ${sealed.documents.length} PDF notices rendered`);

  await benchUploadOverHost(core);
  await core.close();
  rmSync(dir, { recursive: true, force: true });
}

/**
 * A 256 MiB scan through the browser host's WebSocket in `uploads.chunk` calls, one at a
 * time as the UI sends them, into a draft (encrypt, hash and fsync included).
 */
async function benchUploadOverHost(core: HallCore): Promise<void> {
  const host = await startBrowserHost({ core, rendererDir: workDir() });
  const { body } = await redeemOpenUrl(host.openUrl());
  const ws = new WebSocket(`${host.origin.replace('http', 'ws')}/api?token=${body.token as string}`, { origin: host.origin });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  let id = 0;
  const call = async <T>(method: string, input: unknown): Promise<T> => {
    const answer = new Promise<ResultMessage>((resolve) => {
      const onMessage = (data: Buffer) => {
        const message = decodeMessage(data) as ResultMessage | EventMessage;
        if (message.type !== 'result') return;
        ws.off('message', onMessage);
        resolve(message);
      };
      ws.on('message', onMessage);
    });
    ws.send(encodeMessage({ type: 'call', id: ++id, method, input }));
    const result = await answer;
    if (!result.ok) throw new Error(`${method}: ${result.error.code} ${result.error.detail}`);
    return result.value as T;
  };
  await call('auth.login', { username: 'clerk', password: PASSWORD });
  const { id: draftId } = await call<{ id: string }>('drafts.create', { itemCode: 'KSTB-RS-0001' });
  const size = 256 * MiB;
  const chunk = randomBytes(4 * MiB);
  chunk.set(scannedPage(9).subarray(0, 64), 0); // a PNG start, so it is taken as an image
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const started = performance.now();
  const { uploadId, chunkBytes } = await call<{ uploadId: string; chunkBytes: number }>('uploads.begin', {
    purpose: 'material',
    draftId,
    name: '长卷扫描.png',
    size,
  });
  for (let offset = 0; offset < size; offset += chunkBytes) {
    await call('uploads.chunk', { uploadId, offset, bytes: chunk.subarray(0, Math.min(chunkBytes, size - offset)) });
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }
  await call('drafts.addFile', { id: draftId, materialId: 'applicant-id-card', uploadId });
  const seconds = (performance.now() - started) / 1000;
  record(
    'upload a 256 MiB scan over the browser host WebSocket (4 MiB chunks)',
    `${(size / MiB / seconds).toFixed(0)} MiB/s`,
    `RSS +${((rssPeak - rssBefore) / MiB).toFixed(0)} MiB (client and core in one process)`,
  );
  // The host must see the socket go (and sign the clerk out) before the core closes.
  await new Promise((resolve) => (ws.once('close', resolve), ws.close()));
  await new Promise((resolve) => setTimeout(resolve, 100));
  await host.close();
}
