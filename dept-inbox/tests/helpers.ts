// Real parts for inbox tests: a temp data directory, a real inbox on 127.0.0.1:0,
// windows with real keys and tokens, signed manifests, plain fetch for the JSON API
// and tus-js-client for uploads.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
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
  type Manifest,
  type SignatureScheme,
} from '../../src-main/sync/protocol.ts';
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

export function enrol(inbox: Inbox, windowId = 'W01', scheme: SignatureScheme = 'ed25519'): TestWindow {
  const key = generateSigningKey(scheme);
  const { token } = enrolWindow(inbox.db, { windowId, scheme, publicKey: key.publicKey });
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
