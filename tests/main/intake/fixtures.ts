// Real inputs for intake tests: valid identities (check digit computed, not
// hard-coded), small but genuine image and PDF files, and a connection helper.
import { deflateSync } from 'node:zlib';
import { expect } from 'vitest';
import type { ResultMessage } from '../../../src-main/api/wire.ts';
import type { Connection, HallCore } from '../../../src-main/core/hall-core.ts';
import { idCheckCharacter } from '../../../src-main/review/identifiers.ts';

export const STRONG = 'Counter#2026';

export function idNumber(region: string, birth: string, sequence: string): string {
  const first17 = `${region}${birth}${sequence}`;
  return first17 + idCheckCharacter(first17);
}

/** A real PNG of the given size (solid colour), as a scanner might produce. */
export function pngBytes(width = 8, height = 8, shade = 200): Uint8Array {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  const rows = Buffer.alloc((width + 1) * height, shade);
  for (let y = 0; y < height; y++) rows[y * (width + 1)] = 0; // filter byte per row
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Calls through the real dispatcher, as a transport would; unwraps or fails the test. */
export function client(connection: Connection) {
  let id = 0;
  const raw = (method: string, input: unknown = {}): Promise<ResultMessage> =>
    connection.handle({ type: 'call', id: ++id, method, input });
  // Tests name the result type they expect; unknown by default.
  const call = async <T = unknown>(method: string, input: unknown = {}): Promise<T> => {
    const result = await raw(method, input);
    expect(result, `${method}: ${JSON.stringify(result).slice(0, 400)}`).toMatchObject({ ok: true });
    return (result as { value: T }).value;
  };
  const fail = async (method: string, input: unknown = {}) => {
    const result = await raw(method, input);
    expect(result.ok, `${method} should fail`).toBe(false);
    return (result as Extract<ResultMessage, { ok: false }>).error;
  };
  return { call, fail, raw };
}

/** An installer and a signed-in clerk on a fresh core. */
export async function clerkOn(core: HallCore, username = 'clerk01') {
  const admin = client(core.openConnection(() => undefined));
  const setup = await admin.raw('auth.setupState');
  if ((setup as { value: { needsFirstInstaller: boolean } }).value.needsFirstInstaller) {
    await admin.call('auth.createFirstInstaller', { username: 'admin', displayName: '运维', password: STRONG });
  } else {
    await admin.call('auth.login', { username: 'admin', password: STRONG });
  }
  const users = await admin.call<{ users: Array<{ username: string }> }>('users.list');
  if (!users.users.some((u) => u.username === username)) {
    await admin.call('users.create', { username, displayName: '张窗口', role: 'clerk', password: STRONG });
  }
  const clerk = client(core.openConnection(() => undefined));
  await clerk.call('auth.login', { username, password: STRONG });
  return clerk;
}

export const SOCIAL_CARD = 'KSTB-RS-0001';

/** Everything 社会保障卡申领 needs for 受理. */
export function completeSocialCardPatch() {
  const id = idNumber('510104', '19900307', '124');
  return {
    applicantKind: 'person' as const,
    applicant: { name: '李小梅', idNumber: id, sex: 'female' as const, birthDate: '1990-03-07', ethnicity: '汉', address: '四川省成都市锦江区红星路一段1号', source: 'manual' as const },
    homeRegionCode: '510104',
    answers: {
      applicantName: '李小梅',
      applicantIdNumber: id,
      phone: '13812345678',
      sex: 'female',
      ethnicity: '汉',
      insuredRegion: '510104',
      minor: false,
      financial: false,
      delivery: 'pickup',
    },
    counts: {
      'applicant-id-card': { original: 1, copy: 0, electronic: 1 },
      photo: { original: 0, copy: 0, electronic: 1 },
    },
    conditions: { insured: 'met' as const, 'no-valid-card': 'met' as const },
  };
}
