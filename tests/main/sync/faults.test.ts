// Faults between the window and the department: answers that are errors, garbage or
// silence; cut connections; expired uploads; crashes at every step boundary; local
// damage and database errors. After each: nothing lost, nothing twice at the
// department, the same bytes on both sides.
import { existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DraftView, PacketSync } from '../../../src-main/api/contract/index.ts';
import { errorMessage } from '../../../src-main/common/i18n/index.ts';
import { generateSigningKey } from '../../../src-main/sync/signing.ts';
import type { SyncPoint } from '../../../src-main/sync/outbox-worker.ts';
import { SOCIAL_CARD, completeSocialCardPatch } from '../intake/fixtures.ts';
import { cleanups, departmentCopy, Hall, inboxBehind, startInbox, uniquePng, until } from './helpers.ts';
import { answer, startCutProxy, startFaultProxy } from './peers.ts';
import { startLink } from './shaped-link.ts';
import type { Inbox } from '../../../dept-inbox/src/server.ts';
import { addFileBytes } from '../../fixtures/uploads.ts';

const PUT = /^\/v1\/packets\/[^/]+\/versions\/1$/;

async function expectIntactAtDepartment(inbox: Inbox, packetId: string, manifestHash?: string) {
  const copy = await departmentCopy(inbox, packetId);
  expect(copy?.row.state).toBe('delivered');
  if (manifestHash) expect(copy?.row.manifest_hash).toBe(manifestHash);
  for (const digest of copy!.digests) expect(digest.sha256).toBe(digest.listed);
  expect(inbox.db.sqlite.prepare('SELECT count(*) AS n FROM packets WHERE packet_id = ?').get(packetId)).toEqual({
    n: 1,
  });
}

function uploadsOf(inbox: Inbox, packetId: string): Array<{ sha256: string; state: string }> {
  return inbox.db.sqlite
    .prepare('SELECT sha256, state FROM uploads WHERE packet_id = ? ORDER BY created_at')
    .all(packetId) as Array<{ sha256: string; state: string }>;
}

/** Waits for the worker to settle, then moves time to the packet's next attempt. */
async function toNextAttempt(hall: Hall, sync: PacketSync | null): Promise<void> {
  await hall.core.sync.idle();
  hall.timers.advance(Math.max(0, (sync?.nextAttemptAt ?? hall.clock.now()) - hall.clock.now()));
}

describe('sync faults: the department misbehaves', () => {
  it('retries 500, honours 503 Retry-After, retries garbage and timeouts, then delivers once', async () => {
    const [inbox, proxy] = await inboxBehind(startFaultProxy);
    const hall = await Hall.open({ endpoint: proxy.url, sync: { requestTimeoutMs: 300 } });
    await hall.enrolAt(inbox);
    const attempt = (n: number) =>
      until(async () => {
        const p = await hall.packet(sealed.packetId);
        return p.state === 'retry_wait' && p.sync?.attempts === n ? p : undefined;
      });

    proxy.rules.push({
      method: 'PUT',
      path: PUT,
      act: answer.status(500, { error: { code: 'internal', message: 'boom' } }),
    });
    const sealed = await hall.sealReceived();
    let p = await attempt(1);
    expect(p.sync?.lastError?.code).toBe('sync.departmentError');
    expect(p.sync?.nextAttemptAt).toBe(hall.clock.now() + 500); // full jitter: 0.5 × 1 s

    proxy.rules.push({
      method: 'PUT',
      path: PUT,
      act: answer.status(503, { error: { code: 'unavailable', message: 'busy' } }, { 'retry-after': '7' }),
    });
    await toNextAttempt(hall, p.sync);
    p = await attempt(2);
    expect(p.sync?.lastError?.code).toBe('sync.departmentBusy');
    expect(p.sync?.nextAttemptAt).toBe(hall.clock.now() + 7000); // Retry-After, not the backoff

    // Not a moment before Retry-After.
    const seenBefore = proxy.seen.filter((s) => s.method === 'PUT').length;
    await hall.core.sync.idle();
    hall.timers.advance(6999);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(proxy.seen.filter((s) => s.method === 'PUT').length).toBe(seenBefore);

    proxy.rules.push({ method: 'PUT', path: PUT, act: answer.garbage(200) });
    hall.timers.advance(1);
    p = await attempt(3);
    expect(p.sync?.lastError).toMatchObject({ code: 'sync.departmentError' });

    proxy.rules.push({ method: 'PUT', path: PUT, act: answer.silence() });
    await toNextAttempt(hall, p.sync);
    p = await attempt(4);
    expect(p.sync?.lastError?.code).toBe('sync.unreachable');
    expect(p.sync?.lastError?.detail).toMatch(/no answer in time/);

    await toNextAttempt(hall, p.sync);
    const delivered = await hall.reach(sealed.packetId, 'delivered');
    expect(delivered.sync).toMatchObject({ attempts: 0, lastError: null });
    await expectIntactAtDepartment(inbox, sealed.packetId, sealed.manifestHash);
    expect(hall.transitions(sealed.packetId)).toEqual(['sealed', 'retry_wait', 'uploading', 'submitted', 'delivered']);
  });

  it('when the network comes back, what waited for it goes at once; the health board says offline meanwhile', async () => {
    const [inbox, proxy] = await inboxBehind(startFaultProxy);
    const hall = await Hall.open({ endpoint: proxy.url, sync: { pollWaitSeconds: 0.3 } });
    await hall.enrolAt(inbox);
    const reset = (request: IncomingMessage) => request.socket.destroy();
    proxy.rules.push({ method: 'PUT', path: PUT, times: 3, act: reset });
    const sealed = await hall.sealReceived();
    let p = await until(async () => {
      const x = await hall.packet(sealed.packetId);
      return x.sync?.attempts === 1 ? x : undefined;
    });
    for (const attempts of [2, 3]) {
      await toNextAttempt(hall, p.sync);
      p = await until(async () => {
        const x = await hall.packet(sealed.packetId);
        return x.sync?.attempts === attempts ? x : undefined;
      });
    }
    expect(p.sync).toMatchObject({ lastError: { code: 'sync.unreachable' } });
    expect(p.sync!.nextAttemptAt! - hall.clock.now()).toBe(2000); // 0.5 × 4 s

    // The change feed (the probe) loses the department too …
    proxy.rules.push({ method: 'GET', path: /^\/v1\/changes/, act: reset });
    await until(async () => {
      const { entries } = await hall.clerk.call<{ entries: Array<{ id: string; state: string; reason?: string }> }>(
        'health.snapshot',
      );
      const entry = entries.find((e) => e.id === 'sync');
      return entry?.state === 'error' && entry.reason === 'offline';
    });
    // … and finds it again on its next poll, long before the packet's own backoff ends.
    await hall.core.sync.idle();
    hall.timers.advance(500);
    await hall.reach(sealed.packetId, 'delivered');
    expect(hall.clock.now()).toBeLessThan(p.sync!.nextAttemptAt!);
    await until(async () => {
      const { entries } = await hall.clerk.call<{ entries: Array<{ id: string; state: string }> }>('health.snapshot');
      return entries.find((e) => e.id === 'sync')?.state === 'ready';
    });
  });

  it('a connection cut mid-upload resumes from the stored URL, re-sending at most one chunk', async () => {
    const chunk = 256 * 1024;
    const [inbox, cut] = await inboxBehind(startCutProxy);
    const hall = await Hall.open({ endpoint: cut.url, sync: { chunkBytes: chunk } });
    await hall.enrolAt(inbox);
    cut.cutAt(cut.upstreamBytes + 1_200_000); // inside the 2 MiB scan's fifth chunk
    const sealed = await hall.sealReceived({ idCardExtra: 2 * 1024 * 1024 });

    const waiting = await hall.reach(sealed.packetId, 'retry_wait');
    expect(cut.cuts).toBe(1);
    expect(waiting.sync?.lastError?.code).toBe('sync.unreachable');
    expect(waiting.sync!.bytesSent).toBeGreaterThan(chunk); // confirmed chunks are kept
    const db = hall.openDb();
    const stored = db
      .prepare<[string], { upload_url: string | null; bytes_sent: number }>(
        "SELECT upload_url, bytes_sent FROM outbox_files WHERE packet_id = ? AND state = 'uploading'",
      )
      .all(sealed.packetId);
    db.close();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.upload_url).toMatch(/\/v1\/files\/.+/);

    await toNextAttempt(hall, waiting.sync);
    const delivered = await hall.reach(sealed.packetId, 'delivered');
    const resent = hall.bytesRead - delivered.sync!.bytesTotal;
    expect(resent).toBeGreaterThan(0);
    expect(resent).toBeLessThanOrEqual(chunk);
    // One upload per file: the cut one was resumed, not started again.
    const uploads = uploadsOf(inbox, sealed.packetId);
    expect(new Set(uploads.map((u) => u.sha256)).size).toBe(uploads.length);
    await expectIntactAtDepartment(inbox, sealed.packetId, sealed.manifestHash);
  });

  it('bytes altered on the way fail the department’s hash check (460); the intact local file is sent again', async () => {
    const [inbox, proxy] = await inboxBehind(startFaultProxy);
    const hall = await Hall.open({ endpoint: proxy.url });
    await hall.enrolAt(inbox);
    proxy.rules.push({
      method: 'PATCH',
      act: (_request, _response, forward) =>
        forward((body) => {
          const altered = Buffer.from(body);
          altered[0] = altered[0]! ^ 0xff;
          return altered;
        }),
    });
    const sealed = await hall.sealReceived();
    const waiting = await hall.reach(sealed.packetId, 'retry_wait');
    expect(waiting.sync?.lastError?.code).toBe('sync.hashMismatch');
    await toNextAttempt(hall, waiting.sync);
    await hall.reach(sealed.packetId, 'delivered');
    await expectIntactAtDepartment(inbox, sealed.packetId, sealed.manifestHash);
    expect(uploadsOf(inbox, sealed.packetId).filter((u) => u.state === 'refused')).toHaveLength(1);
  });

  it('an expired upload (410) is started again from the local blob: upload_gone, then delivered', async () => {
    let inboxNow = Date.now();
    const inbox = await startInbox({ uploadExpiryMs: 60_000, now: () => inboxNow });
    // One file in flight when the power goes, so the test knows which upload was cut.
    const hall = await Hall.open({ endpoint: inbox.url, sync: { smallLaneConcurrency: 1 } });
    await hall.enrolAt(inbox);
    let crashed = false;
    hall.hooks.at = (point, info) => {
      // The first 64 KiB chunk of the large scan: the upload is half done.
      if (point === 'upload.chunk' && info.bytes === 64 * 1024 && !crashed) {
        crashed = true;
        throw new Error('power cut after the first chunk');
      }
    };
    const sealed = await hall.sealReceived({ idCardExtra: 400_000 });
    await until(() => hall.core.sync.halted);
    inboxNow += 120_000; // the half-done upload expires at the department meanwhile
    await hall.restart();

    await hall.reach(sealed.packetId, 'delivered');
    expect(hall.transitions(sealed.packetId)).toContain('upload_gone');
    // The scan was sent twice: the expired upload (never completed) and the new one.
    const uploads = uploadsOf(inbox, sealed.packetId);
    const twice = uploads.filter((u) => uploads.filter((v) => v.sha256 === u.sha256).length === 2);
    expect(twice.map((u) => u.state)).toEqual([expect.stringMatching(/^(open|expired)$/), 'complete']);
    await expectIntactAtDepartment(inbox, sealed.packetId, sealed.manifestHash);
  });
});

describe('sync faults: the department limits the window', () => {
  it('at its cap of open uploads (429 upload.tooManyOpen) the window waits Retry-After, holds nothing, then delivers', async () => {
    let inboxNow = Date.now();
    const inbox = await startInbox({ uploadExpiryMs: 60_000, maxOpenUploadsPerWindow: 2, now: () => inboxNow });
    const hall = await Hall.open({ endpoint: inbox.url });
    const { token } = await hall.enrolAt(inbox);
    const first = await hall.sealReceived();
    await hall.reach(first.packetId, 'delivered');
    // Two uploads of this window that nobody will finish (as after lost upload URLs) fill its allowance.
    for (const file of (await inbox.db.packetFiles(first.packetId, 1)).slice(0, 2)) {
      const created = await fetch(`${inbox.url}/v1/files/`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'tus-resumable': '1.0.0',
          'upload-length': String(file.size),
          'upload-metadata': `sha256 ${btoa(file.sha256)},packetId ${btoa(first.packetId)}`,
        },
      });
      expect(created.status).toBe(201);
    }

    const sealed = await hall.sealReceived();
    const waiting = await hall.reach(sealed.packetId, 'retry_wait');
    expect(waiting.sync).toMatchObject({ blocked: false, lastError: { code: 'sync.departmentBusy' } });
    expect(waiting.sync!.nextAttemptAt).toBe(hall.clock.now() + 60_000); // Retry-After, not the backoff

    inboxNow += 61_000; // the abandoned uploads expire at the department
    await toNextAttempt(hall, waiting.sync);
    await hall.reach(sealed.packetId, 'delivered');
    await expectIntactAtDepartment(inbox, sealed.packetId, sealed.manifestHash);
  });
});

describe('sync faults: crashes at every step boundary', () => {
  const points: SyncPoint[] = [
    'put.answered',
    'upload.urlStored',
    'upload.chunk',
    'upload.finished',
    'commit.answered',
    'changes.answered',
  ];
  it.each(points)('restarting after %s repeats only what is idempotent, and delivers once', async (point) => {
    const inbox = await startInbox();
    // One step in flight at the crash, as these boundaries mean; crashes amid parallel
    // uploads are the kill -9 soak's (kill-9.test.ts) and the small lane's own test's.
    const hall = await Hall.open({ endpoint: inbox.url, sync: { smallLaneConcurrency: 1 } });
    await hall.enrolAt(inbox);
    let crashed = false;
    hall.hooks.at = (at, info) => {
      if (at !== point || crashed) return;
      if (at === 'changes.answered' && !info.changes) return;
      if (at === 'upload.chunk' && info.bytes !== 64 * 1024) return; // mid-file, not a file's last chunk
      crashed = true;
      throw new Error(`crash at ${point}`);
    };
    const sealed = await hall.sealReceived({ idCardExtra: 200_000 });
    await until(() => hall.core.sync.halted, 15_000, `halt at ${point}`);
    await hall.restart();

    await hall.reach(sealed.packetId, 'delivered');
    await expectIntactAtDepartment(inbox, sealed.packetId, sealed.manifestHash);
    // Uploads cut by the crash resumed from their stored URL: one upload per file.
    const uploads = uploadsOf(inbox, sealed.packetId);
    expect(new Set(uploads.map((u) => u.sha256)).size).toBe(uploads.length);
    // Each state once, in order, whatever was repeated on the wire.
    expect(hall.transitions(sealed.packetId)).toEqual(['sealed', 'uploading', 'submitted', 'delivered']);
    if (point === 'changes.answered') {
      // The feed's answer was lost before it was applied: read again from the stored cursor, applied once.
      const { decide } = await import('../../../dept-inbox/src/admin.ts');
      await decide(inbox.db, { packetId: sealed.packetId, decision: { kind: 'accept' }, decidedBy: '王审批' });
      await hall.reach(sealed.packetId, 'accepted');
      const db = hall.openDb();
      expect(db.prepare('SELECT state FROM sync_changes ORDER BY cursor').all()).toEqual([
        { state: 'delivered' },
        { state: 'accepted' },
      ]);
      db.close();
    }
  });
});

describe('sync faults: what is caught at the window', () => {
  it('a blob altered on disk blocks its packet unsent; the next packet goes on', async () => {
    const [inbox, proxy] = await inboxBehind(startFaultProxy);
    const hall = await Hall.open({ endpoint: proxy.url });
    await hall.enrolAt(inbox);
    await hall.installer.call('sync.pause');
    const bad = await hall.sealReceived();
    const good = await hall.sealReceived();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(proxy.seen.filter((s) => s.method === 'PUT')).toHaveLength(0); // paused: nothing sent

    const db = hall.openDb();
    const { sha256 } = db
      .prepare<[string], { sha256: string }>(
        'SELECT sha256 FROM outbox_files WHERE packet_id = ? ORDER BY position LIMIT 1',
      )
      .get(bad.packetId)!;
    db.close();
    const file = hall.blobFile(sha256);
    const bytes = readFileSync(file);
    const at = bytes.length - 40;
    bytes[at] = bytes[at]! ^ 0xff; // same size, so the start-up check cannot tell; the content check can
    writeFileSync(file, bytes);

    expect((await hall.installer.call<{ paused: boolean }>('sync.resume')).paused).toBe(false);
    const blocked = await hall.reach(bad.packetId, 'blocked');
    expect(blocked.sync).toMatchObject({ blocked: true, lastError: { code: 'sync.blobDamaged' } });
    await hall.reach(good.packetId, 'delivered');
    await expectIntactAtDepartment(inbox, good.packetId, good.manifestHash);
    expect(await inbox.db.packet(bad.packetId, 1)).toBeUndefined();
    expect(proxy.seen.filter((s) => s.url.includes(bad.packetId))).toEqual([]);
  });

  it('a large file damaged on disk while it uploads stops its upload at the damaged piece and holds the packet', async () => {
    const inbox = await startInbox();
    const hall = await Hall.open({ endpoint: inbox.url });
    await hall.enrolAt(inbox);
    await hall.installer.call('sync.pause');
    const sealed = await hall.sealReceived({ idCardExtra: 1024 * 1024 }); // bulk lane, 16 chunks of 64 KiB
    const db = hall.openDb();
    const { sha256 } = db
      .prepare<[string], { sha256: string }>("SELECT sha256 FROM outbox_files WHERE packet_id = ? AND lane = 'bulk'")
      .get(sealed.packetId)!;
    db.close();
    // The file passed its check before the upload; it is damaged after its first chunk went.
    let damaged = false;
    hall.hooks.at = (point, info) => {
      if (point !== 'upload.chunk' || info.sha256 !== sha256 || damaged) return;
      damaged = true;
      const file = hall.blobFile(sha256);
      const bytes = readFileSync(file);
      bytes[bytes.length - 40] = bytes[bytes.length - 40]! ^ 0xff;
      writeFileSync(file, bytes);
    };
    await hall.installer.call('sync.resume');
    const blocked = await hall.reach(sealed.packetId, 'blocked');
    expect(blocked.sync).toMatchObject({ blocked: true, lastError: { code: 'sync.blobDamaged' } });
    // The department holds a part of the file at most, never the whole of it, and no delivered packet.
    const uploads = inbox.db.sqlite.prepare('SELECT state FROM uploads WHERE sha256 = ?').pluck().all(sha256);
    expect(uploads).toEqual(['open']);
    expect(await inbox.db.file(sha256)).toBeUndefined();
    expect((await inbox.db.packet(sealed.packetId, 1))?.state).toBe('receiving');
  });

  it('a large file replaced on disk by another intact blob is stopped before its last byte: held, told why, nothing delivered', async () => {
    const inbox = await startInbox();
    const hall = await Hall.open({ endpoint: inbox.url });
    await hall.enrolAt(inbox);
    await hall.installer.call('sync.pause');
    // Two bulk files of one size; no whole-blob check runs before a bulk file's first byte.
    const bad = await hall.sealReceived({ idCardExtra: 1024 * 1024 });
    const good = await hall.sealReceived({ idCardExtra: 1024 * 1024 });
    const db = hall.openDb();
    const bulkFile = (packetId: string) =>
      db
        .prepare<[string], { sha256: string }>("SELECT sha256 FROM outbox_files WHERE packet_id = ? AND lane = 'bulk'")
        .get(packetId)!.sha256;
    const [target, donor] = [bulkFile(bad.packetId), bulkFile(good.packetId)];
    db.close();
    // Sealed with the same key, so every piece authenticates: only the whole's hash differs.
    writeFileSync(hall.blobFile(target), readFileSync(hall.blobFile(donor)));

    await hall.installer.call('sync.resume');
    const blocked = await hall.reach(bad.packetId, 'blocked');
    expect(blocked.sync).toMatchObject({ blocked: true, lastError: { code: 'sync.blobDamaged' } });
    expect(errorMessage('sync.blobDamaged')).toContain('校验未通过');
    // Hashed on the way and stopped before the last piece: the department never had the whole file.
    expect(inbox.db.sqlite.prepare('SELECT state FROM uploads WHERE sha256 = ?').pluck().all(target)).toEqual(['open']);
    expect(await inbox.db.file(target)).toBeUndefined();
    expect((await inbox.db.packet(bad.packetId, 1))?.state).toBe('receiving');
    // The packet is kept, held for a person, its file still in the store; the other goes on.
    expect(existsSync(hall.blobFile(target))).toBe(true);
    await hall.reach(good.packetId, 'delivered');
    await expectIntactAtDepartment(inbox, good.packetId, good.manifestHash);
    expect((await hall.packet(bad.packetId)).state).toBe('blocked');
  });

  it('a cut in the middle of a large chunk leaves no blob file open', async () => {
    // One 8 MiB chunk streams from the blob as it is sent; the cut stops it half-way.
    const [inbox, cut] = await inboxBehind(startCutProxy);
    const hall = await Hall.open({ endpoint: cut.url, sync: { chunkBytes: 8 * 1024 * 1024 } });
    await hall.enrolAt(inbox);
    cut.cutAt(cut.upstreamBytes + 2 * 1024 * 1024);
    const sealed = await hall.sealReceived({ idCardExtra: 6 * 1024 * 1024 });
    await hall.reach(sealed.packetId, 'retry_wait');
    expect(cut.cuts).toBe(1);
    await until(() => openBlobFiles(hall).length === 0, 3000, 'blob files closed after the cut');
  });

  it('a slow, distant line (2 MiB/s, 100 ms round trip) cut mid-upload: delivered once, at most one chunk re-sent', async () => {
    const chunk = 256 * 1024;
    const [inbox, line] = await inboxBehind((target) =>
      startLink(target, { bytesPerSecond: 2 * 1024 * 1024, rttMs: 100 }),
    );
    cleanups.push(() => line.close());
    const hall = await Hall.open({ endpoint: line.url, sync: { chunkBytes: chunk } });
    await hall.enrolAt(inbox);
    line.cutAt([line.upstreamBytes + 1_200_000]);
    const sealed = await hall.sealReceived({ idCardExtra: 2 * 1024 * 1024 });

    const waiting = await hall.reach(sealed.packetId, 'retry_wait');
    expect(line.cuts).toBe(1);
    expect(waiting.sync?.lastError?.code).toBe('sync.unreachable');
    await toNextAttempt(hall, waiting.sync);
    const delivered = await hall.reach(sealed.packetId, 'delivered', 1, 30_000);
    const resent = hall.bytesRead - delivered.sync!.bytesTotal;
    expect(resent).toBeLessThanOrEqual(chunk);
    await expectIntactAtDepartment(inbox, sealed.packetId, sealed.manifestHash);
  });

  it('a signature the department cannot verify holds the packet with the reason; after re-enrolment, "retry now" delivers', async () => {
    const inbox = await startInbox();
    const hall = await Hall.open({ endpoint: inbox.url });
    await hall.enrolAt(inbox);
    const enrolled = (await inbox.db.windowById('W01'))!;
    const other = generateSigningKey('ed25519');
    await inbox.db.replaceWindowCredentials({ ...enrolled, public_key: other.publicKey, key_id: other.keyId });

    const sealed = await hall.sealReceived();
    const blocked = await hall.reach(sealed.packetId, 'blocked');
    expect(blocked.sync?.lastError).toMatchObject({
      code: 'sync.signatureRejected',
      params: { code: 'signature.unknownKey' },
    });
    expect(await inbox.db.packet(sealed.packetId, 1)).toBeUndefined();

    // A blocked packet stays blocked: no timer brings it back.
    await hall.core.sync.idle();
    hall.timers.advance(9 * 60_000); // (within the clerk's idle lock)
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await hall.packet(sealed.packetId)).state).toBe('blocked');

    await inbox.db.replaceWindowCredentials(enrolled);
    const retried = await hall.clerk.call<PacketSync>('sync.retryNow', { packetId: sealed.packetId, version: 1 });
    expect(retried.blocked).toBe(false);
    await hall.reach(sealed.packetId, 'delivered');
    await expectIntactAtDepartment(inbox, sealed.packetId, sealed.manifestHash);
    expect(await hall.clerk.fail('sync.retryNow', { packetId: sealed.packetId, version: 1 })).toMatchObject({
      code: 'sync.packetNotQueued',
    });
  });

  it('packets sealed before the token is set wait for it; a wrong or foreign token is refused and not stored', async () => {
    const { enrolWindow } = await import('../../../dept-inbox/src/admin.ts');
    const inbox = await startInbox();
    const hall = await Hall.open({ endpoint: inbox.url });
    const sealed = await hall.sealReceived();
    const held = await hall.reach(sealed.packetId, 'blocked');
    expect(held.sync?.lastError).toMatchObject({ code: 'sync.tokenMissing', params: { departmentId: 'demo-dept' } });

    expect(
      await hall.installer.fail('sync.setDepartmentToken', {
        departmentId: 'demo-dept',
        token: 'tbw_not-a-real-token-at-all',
      }),
    ).toMatchObject({ code: 'sync.tokenRejected' });
    const foreign = await enrolWindow(inbox.db, {
      windowId: 'W01',
      scheme: 'ed25519',
      publicKey: generateSigningKey().publicKey,
    });
    expect(
      await hall.installer.fail('sync.setDepartmentToken', { departmentId: 'demo-dept', token: foreign.token }),
    ).toMatchObject({
      code: 'sync.enrolmentMismatch',
    });
    expect(
      await hall.clerk.fail('sync.setDepartmentToken', { departmentId: 'demo-dept', token: foreign.token }),
    ).toMatchObject({
      code: 'auth.forbidden',
    });
    const info = await hall.installer.call<{ departments: Array<{ tokenSet: boolean }> }>('sync.enrolment');
    expect(info.departments[0]?.tokenSet).toBe(false);

    const { publicKey } = await hall.enrolAt(inboxWithReplace(inbox));
    expect(publicKey).toMatch(/^[0-9a-f]{64}$/);
    await hall.reach(sealed.packetId, 'delivered');
    expect(hall.log.text).not.toContain(foreign.token);
  });

  it('one packet stuck in a long upload does not hold up the next applicant’s small packet', async () => {
    const [inbox, proxy] = await inboxBehind(startFaultProxy);
    const hall = await Hall.open({ endpoint: proxy.url, sync: { bulkThresholdBytes: 512 * 1024 } });
    await hall.enrolAt(inbox);
    let bigUpload: string | undefined;
    proxy.observe = (request, reply) => {
      if (
        request.method === 'POST' &&
        Number(request.headers['upload-length']) > 512 * 1024 &&
        reply.headers.location
      ) {
        bigUpload = new URL(reply.headers.location).pathname;
      }
    };
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    proxy.rules.push({
      method: 'PATCH',
      times: 1000,
      match: (request) => request.url === bigUpload,
      act: (_request, _response, forward) => void held.then(() => forward()),
    });

    const big = await hall.sealReceived({ idCardExtra: 1024 * 1024 });
    await until(() => bigUpload !== undefined);
    const small = await hall.sealReceived();
    await hall.reach(small.packetId, 'delivered');
    expect((await hall.packet(big.packetId)).state).toBe('uploading');

    release();
    await hall.reach(big.packetId, 'delivered');
    await expectIntactAtDepartment(inbox, big.packetId, big.manifestHash);
    await expectIntactAtDepartment(inbox, small.packetId, small.manifestHash);
  });

  it('a database error while recording a step leaves the rows as they were; the step is simply repeated', async () => {
    const inbox = await startInbox();
    const hall = await Hall.open({ endpoint: inbox.url });
    await hall.enrolAt(inbox);
    const db = hall.openDb();
    db.exec(`CREATE TRIGGER test_disk_full BEFORE UPDATE OF step ON outbox_packets
             BEGIN SELECT RAISE(ABORT, 'database or disk is full (simulated)'); END;`);
    const sealed = await hall.sealReceived();
    const waiting = await hall.reach(sealed.packetId, 'retry_wait');
    expect(waiting.sync).toMatchObject({ step: 'register', lastError: { code: 'sync.localError' } });
    expect(
      db
        .prepare("SELECT count(*) AS n FROM outbox_files WHERE packet_id = ? AND state != 'waiting'")
        .get(sealed.packetId),
    ).toEqual({
      n: 0,
    });
    db.exec('DROP TRIGGER test_disk_full');
    db.close();

    await toNextAttempt(hall, waiting.sync);
    await hall.reach(sealed.packetId, 'delivered');
    await expectIntactAtDepartment(inbox, sealed.packetId, sealed.manifestHash);
  });

  it('refuses to seal what the department would refuse, and keeps the draft as it was', async () => {
    const inbox = await startInbox();
    const hall = await Hall.open({ endpoint: inbox.url });
    const draft = await hall.clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
    await hall.clerk.call('drafts.save', { id: draft.id, patch: completeSocialCardPatch() });
    await addFileBytes(hall.clerk.call, {
      id: draft.id,
      materialId: 'applicant-id-card',
      name: '身份证\u0007.png',
      bytes: uniquePng(10),
    });
    await addFileBytes(hall.clerk.call, {
      id: draft.id,
      materialId: 'photo',
      name: '照片.png',
      bytes: uniquePng(20),
    });
    expect(await hall.clerk.fail('drafts.seal', { id: draft.id })).toMatchObject({
      code: 'sync.manifestInvalid',
      params: { fields: 'name' },
    });
    const kept = await hall.clerk.call<DraftView>('drafts.get', { id: draft.id });
    expect(kept.files).toHaveLength(2);
    expect((await hall.clerk.call<{ packets: unknown[] }>('packets.list', { scope: 'all' })).packets).toEqual([]);
  });
});

/** Re-enrolment needs --replace once the window exists at the inbox (the foreign token above). */
function inboxWithReplace(inbox: Inbox): Inbox {
  inbox.db.sqlite.prepare("DELETE FROM windows WHERE window_id = 'W01'").run();
  return inbox;
}

/** Blob files this process holds open (Linux: /proc/self/fd). */
function openBlobFiles(hall: Hall): string[] {
  const blobs = join(hall.dataDir, 'blobs');
  return readdirSync('/proc/self/fd')
    .map((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        return '';
      }
    })
    .filter((target) => target.startsWith(blobs));
}

describe('sync: the small lane sends several files at once', () => {
  it('four packets sealed while paused: files overlap on the wire, each arrives once with its bytes', async () => {
    const inbox = await startInbox();
    const hall = await Hall.open({ endpoint: inbox.url, sync: { smallLaneConcurrency: 4 } });
    await hall.enrolAt(inbox);
    let uploading = 0;
    let most = 0;
    hall.hooks.at = (point) => {
      if (point === 'upload.urlStored') most = Math.max(most, ++uploading);
      if (point === 'upload.finished') uploading -= 1;
    };
    await hall.installer.call('sync.pause');
    const sealed = [];
    for (let i = 0; i < 4; i++) sealed.push(await hall.sealReceived({ idCardExtra: 100_000 + i }));
    await hall.installer.call('sync.resume');
    for (const packet of sealed) {
      await hall.reach(packet.packetId, 'delivered');
      await expectIntactAtDepartment(inbox, packet.packetId, packet.manifestHash);
      const uploads = uploadsOf(inbox, packet.packetId);
      expect(new Set(uploads.map((u) => u.sha256)).size).toBe(uploads.length);
      expect(uploads.every((u) => u.state === 'complete' || u.state === 'duplicate')).toBe(true);
    }
    expect(most).toBeGreaterThan(1);
  });
});
