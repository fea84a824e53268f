// The clerk's desk as the benchmarks use it: a signed-in clerk on a core, calls through
// the real dispatcher, a complete 社会保障卡申领 draft and scanned pages. Light on
// purpose: the sync memory run's sender (sync-sender.ts) imports it as compiled
// JavaScript, and what it imports is resident in the process being measured.
import { deflateSync } from 'node:zlib';
import type { EventMessage, ResultMessage } from '../src-main/api/wire.ts';
import type { Connection, HallCore } from '../src-main/core/hall-core.ts';
import { idCheckCharacter } from '../src-main/common/review/identifiers.ts';
import { addFileBytes } from '../tests/fixtures/uploads.ts';

export const PASSWORD = 'Bench#2026x';

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
 * A 社会保障卡申领 draft ready to seal as 收件 once its files are in: `idCardFiles`
 * electronic ID-card pages and one photo are expected.
 */
export async function startDraft(call: Call, idCardFiles = 49): Promise<string> {
  const first17 = '51010419900307124'; // even 17th digit: female
  const idNumber = first17 + idCheckCharacter(first17);
  const draft = await call<{ id: string }>('drafts.create', { itemCode: 'KSTB-RS-0001' });
  await call('drafts.save', {
    id: draft.id,
    patch: {
      applicant: {
        name: '李小梅',
        idNumber,
        sex: 'female',
        birthDate: '1990-03-07',
        ethnicity: '汉',
        source: 'manual',
      },
      homeRegionCode: '510104',
      answers: {
        applicantName: '李小梅',
        applicantIdNumber: idNumber,
        phone: '13812345678',
        sex: 'female',
        ethnicity: '汉',
        insuredRegion: '510104',
        minor: false,
        financial: false,
      },
      delivery: { method: 'window' as const },
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
