// Where windows are told to send their files: always the inbox's configured public URL
// (or, on loopback, its own listen address), never the request's Host header, which
// anyone can forge to point a window's token and files elsewhere. Off loopback the
// public URL must be given.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { FILES_PATH, packetVersionPath, UPLOAD_METADATA } from '../../src-main/common/sync-protocol.ts';
import { createInbox, type Inbox } from '../src/server.ts';
import { bytes, enrol, packet, sha256, startInbox, tempDir, type TestPacket, type TestWindow } from './helpers.ts';

const run = promisify(execFile);

/** A request with headers fetch() would not let through (Host). */
function raw(
  inbox: Inbox,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${inbox.url}${path}`, { method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks).toString() }),
      );
    });
    request.on('error', reject);
    request.end(body);
  });
}

const FORGED = { host: 'evil.example:8443', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' };

async function uploadUrls(inbox: Inbox, window: TestWindow, p: TestPacket) {
  const auth = { authorization: `Bearer ${window.token}` };
  const put = await raw(
    inbox,
    'PUT',
    packetVersionPath(p.manifest.packetId, 1),
    { ...FORGED, ...auth, 'content-type': 'application/json' },
    JSON.stringify(p.body),
  );
  expect(put.status).toBe(200);
  const status = await raw(inbox, 'GET', packetVersionPath(p.manifest.packetId, 1), { ...FORGED, ...auth });
  const data = p.files[0]!;
  const created = await raw(inbox, 'POST', FILES_PATH, {
    ...FORGED,
    ...auth,
    'tus-resumable': '1.0.0',
    'upload-length': String(data.length),
    'upload-metadata': [
      `${UPLOAD_METADATA.sha256} ${Buffer.from(sha256(data)).toString('base64')}`,
      `${UPLOAD_METADATA.packetId} ${Buffer.from(p.manifest.packetId).toString('base64')}`,
    ].join(','),
  });
  expect(created.status).toBe(201);
  return {
    put: (JSON.parse(put.body) as { uploadEndpoint: string }).uploadEndpoint,
    status: (JSON.parse(status.body) as { uploadEndpoint: string }).uploadEndpoint,
    location: created.headers.location as string,
  };
}

describe('upload URLs', () => {
  it('on loopback come from the listen address, whatever Host the request names', async () => {
    const inbox = await startInbox();
    const window = await enrol(inbox);
    const urls = await uploadUrls(inbox, window, packet(window, [bytes(100)]));
    expect(urls.put).toBe(`${inbox.url}${FILES_PATH}`);
    expect(urls.status).toBe(`${inbox.url}${FILES_PATH}`);
    expect(urls.location.startsWith(`${inbox.url}${FILES_PATH}`)).toBe(true);
  });

  it('behind a proxy come from --public-url, whatever Host the request names', async () => {
    const inbox = await startInbox({ publicUrl: 'https://inbox.example.gov.cn/tongban/' });
    const window = await enrol(inbox);
    const urls = await uploadUrls(inbox, window, packet(window, [bytes(100)]));
    expect(urls.put).toBe('https://inbox.example.gov.cn/tongban/v1/files/');
    expect(urls.status).toBe('https://inbox.example.gov.cn/tongban/v1/files/');
    expect(urls.location).toMatch(/^https:\/\/inbox\.example\.gov\.cn\/tongban\/v1\/files\/[^/]+$/);
  });
});

describe('listening off loopback', () => {
  it('needs a public URL: createInbox refuses to start and touches nothing', async () => {
    const dataDir = tempDir();
    await expect(createInbox({ dataDir, host: '0.0.0.0', port: 0, logger: false })).rejects.toThrow(
      /--public-url is required/,
    );
    expect(existsSync(join(dataDir, 'inbox.db'))).toBe(false);
    await expect(
      createInbox({ dataDir, host: '127.0.0.1', port: 0, logger: false, publicUrl: 'ftp://inbox.example' }),
    ).rejects.toThrow(/public URL/);
  });

  it('CLI serve on 0.0.0.0 without --public-url exits with the message', async () => {
    const dataDir = tempDir();
    const failed = await run(
      process.execPath,
      ['--import', 'tsx', 'dept-inbox/src/cli.ts', 'serve', '--host', '0.0.0.0', '--port', '0', '--data-dir', dataDir],
      { cwd: process.cwd(), timeout: 20_000 },
    ).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain('--public-url is required when the inbox listens on 0.0.0.0');
  });
});
