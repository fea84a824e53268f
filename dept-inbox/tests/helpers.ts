// Real parts for inbox tests: a temp data directory, a real inbox on 127.0.0.1:0,
// windows with real keys and tokens, signed manifests, plain fetch for the JSON API
// and tus-js-client for uploads.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Upload, type DetailedError, type UploadOptions } from 'tus-js-client';
import { v7 as uuidv7 } from 'uuid';
import { afterEach } from 'vitest';
import {
  commitPath,
  FILES_PATH,
  packetVersionPath,
  type Change,
  type ReceivedManifest as Manifest,
  type SignatureScheme,
} from '../../src-main/common/sync-protocol.ts';
import { generateSigningKey, signManifest, type SigningKey } from '../../src-main/sync/signing.ts';
import { enrolWindow } from '../src/admin.ts';
import { createInbox, type Inbox, type InboxOptions } from '../src/server.ts';

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-inbox-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A real inbox on a free loopback port, closed after the test. */
export async function startInbox(options: Partial<InboxOptions> = {}): Promise<Inbox> {
  const inbox = await createInbox({ dataDir: options.dataDir ?? tempDir(), logger: false, ...options });
  cleanups.push(() => inbox.close());
  return inbox;
}

export interface TestWindow {
  windowId: string;
  key: SigningKey;
  token: string;
}

export async function enrol(inbox: Inbox, windowId = 'W01', scheme: SignatureScheme = 'ed25519'): Promise<TestWindow> {
  const key = generateSigningKey(scheme);
  const { token } = await enrolWindow(inbox.db, { windowId, scheme, publicKey: key.publicKey });
  return { windowId, key, token };
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function newPacketId(): string {
  return uuidv7();
}

export interface TestPacket {
  manifest: Manifest;
  body: { manifest: Manifest; signature: ReturnType<typeof signManifest> };
  files: Buffer[];
}

/** A signed manifest for the given file contents, with the passthrough fields a window sends. */
export function packet(
  window: TestWindow,
  files: Buffer[],
  options: { packetId?: string; version?: number; previousVersion?: number; extra?: Record<string, unknown> } = {},
): TestPacket {
  const manifest: Manifest = {
    packetId: options.packetId ?? newPacketId(),
    version: options.version ?? 1,
    ...(options.previousVersion ? { previousVersion: options.previousVersion } : {}),
    windowId: window.windowId,
    itemCode: '11100000MB0317012X-001',
    files: files.map((data, i) => ({
      sha256: sha256(data),
      size: data.length,
      mediaType: 'image/jpeg',
      name: `材料${i + 1}.jpg`,
    })),
    applicant: { name: '张三', idNumberMasked: '1101**********1234' },
    form: { purpose: '户籍迁移', count: 1 },
    deadline: '2026-12-01',
    ...options.extra,
  };
  return { manifest, body: { manifest, signature: signManifest(manifest, window.key) }, files };
}

/** Any JSON answer of the inbox, read loosely: the success fields tests look at, and the error envelope. */
export interface LooseAnswer {
  error: { code: string; message: string; missingFiles?: string[] };
  state: string;
  missingFiles: string[];
  changes: Change[];
  [key: string]: unknown;
}

export interface JsonAnswer<T = LooseAnswer> {
  status: number;
  headers: Headers;
  body: T;
}

/** A JSON request as a window (or anyone) would make it. */
export async function call<T = LooseAnswer>(
  inbox: Inbox,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; raw?: string; contentType?: string } = {},
): Promise<JsonAnswer<T>> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const response = await fetch(`${inbox.url}${path}`, { method, headers, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : undefined) as T };
}

export function putPacket(inbox: Inbox, window: TestWindow, p: TestPacket, token = window.token) {
  return call(inbox, 'PUT', packetVersionPath(p.manifest.packetId, p.manifest.version), { token, body: p.body });
}

export function commit(inbox: Inbox, window: TestWindow, p: TestPacket, token = window.token) {
  return call(inbox, 'POST', commitPath(p.manifest.packetId, p.manifest.version), { token });
}

export function tusOptions(
  inbox: Inbox,
  token: string,
  data: Buffer,
  packetId: string,
  extra: UploadOptions = {},
): UploadOptions {
  return {
    endpoint: `${inbox.url}${FILES_PATH}`,
    headers: { Authorization: `Bearer ${token}` },
    metadata: { sha256: sha256(data), packetId, filename: 'material.jpg' },
    retryDelays: [],
    ...extra,
  };
}

/** Uploads with tus-js-client; resolves with the upload URL, rejects with the tus error. */
export function upload(
  inbox: Inbox,
  token: string,
  data: Buffer,
  packetId: string,
  extra: UploadOptions = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const u: Upload = new Upload(
      data,
      tusOptions(inbox, token, data, packetId, {
        ...extra,
        onSuccess: () => resolve(u.url as string),
        onError: (error) => reject(error),
      }),
    );
    u.start();
  });
}

/** Uploads every file of a packet. */
export async function uploadAll(inbox: Inbox, window: TestWindow, p: TestPacket): Promise<void> {
  for (const data of p.files) await upload(inbox, window.token, data, p.manifest.packetId);
}

/** Status and JSON error code of a failed tus upload. */
export function tusFailure(error: unknown): { status: number | undefined; code: string | undefined } {
  const response = (error as DetailedError).originalResponse;
  if (!response) return { status: undefined, code: undefined };
  let code: string | undefined;
  try {
    code = (JSON.parse(response.getBody()) as { error?: { code?: string } }).error?.code;
  } catch {
    code = undefined;
  }
  return { status: response.getStatus(), code };
}

export function bytes(size: number): Buffer {
  return randomBytes(size);
}

/** tus HEAD of an upload URL (the offset the inbox holds). */
export function head(url: string, token: string) {
  return fetch(url, { method: 'HEAD', headers: { authorization: `Bearer ${token}`, 'tus-resumable': '1.0.0' } });
}

/** A tus creation by hand (no bytes sent), answering the inbox's response. */
export function createUpload(inbox: Inbox, window: TestWindow, packetId: string, data: Buffer) {
  const metadata = `sha256 ${Buffer.from(sha256(data)).toString('base64')},packetId ${Buffer.from(packetId).toString('base64')}`;
  return fetch(`${inbox.url}/v1/files/`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${window.token}`,
      'tus-resumable': '1.0.0',
      'upload-length': String(data.length),
      'upload-metadata': metadata,
    },
  });
}

/**
 * Creates a tus upload of `data`, sends its first `sent` bytes in a PATCH announcing the
 * whole file, drops the connection `lingerMs` later, and waits for the offset the inbox
 * kept (once the aborted request lets go of the upload's lock).
 */
export async function uploadCutMidPatch(
  inbox: Inbox,
  window: TestWindow,
  p: TestPacket,
  data: Buffer,
  sent: number,
  lingerMs: number,
): Promise<{ url: string; offset: number }> {
  const created = await createUpload(inbox, window, p.manifest.packetId, data);
  if (created.status !== 201) throw new Error(`tus POST answered ${created.status}`);
  const url = created.headers.get('location')!;
  await new Promise<void>((resolve) => {
    const request = httpRequest(url, {
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${window.token}`,
        'tus-resumable': '1.0.0',
        'upload-offset': '0',
        'content-type': 'application/offset+octet-stream',
        'content-length': String(data.length),
      },
    });
    request.on('error', () => resolve());
    request.write(data.subarray(0, sent), () => setTimeout(() => request.destroy(), lingerMs));
  });
  let offset = 0;
  for (let i = 0; i < 100 && offset === 0; i++) {
    const answer = await head(url, window.token);
    if (answer.status === 200) offset = Number(answer.headers.get('upload-offset'));
    if (offset === 0) await new Promise((r) => setTimeout(r, 100));
  }
  return { url, offset };
}

/** Finishes an upload at `url` with tus-js-client; returns the offset its first PATCH started from. */
export async function resumeUpload(
  inbox: Inbox,
  window: TestWindow,
  p: TestPacket,
  data: Buffer,
  url: string,
): Promise<number | undefined> {
  let resentFrom: number | undefined;
  await upload(inbox, window.token, data, p.manifest.packetId, {
    uploadUrl: url,
    onBeforeRequest: (req) => {
      if (req.getMethod() === 'PATCH') resentFrom ??= Number(req.getHeader('Upload-Offset'));
    },
  });
  return resentFrom;
}
