// The department inbox receives a packet: register (PUT), upload, commit — idempotent,
// checked, and refusing what is wrong with a clear code while keeping nothing of it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { commitPath, packetVersionPath, PROTOCOL_ERRORS } from '../../src-main/common/sync-protocol.ts';
import { signManifest } from '../../src-main/sync/signing.ts';
import { decide } from '../src/admin.ts';
import {
  bytes,
  call,
  commit,
  enrol,
  newPacketId,
  packet,
  putPacket,
  sha256,
  startInbox,
  tempDir,
  upload,
  uploadAll,
} from './helpers.ts';

describe('delivering a packet', () => {
  it('enrol, PUT, upload, commit → delivered with a department reference', async () => {
    const inbox = await startInbox();
    const window = await enrol(inbox);
    const p = packet(window, [bytes(40_000), bytes(1_000)]);

    const put = await putPacket(inbox, window, p);
    expect(put.status).toBe(200);
    expect(put.body).toEqual({
      packetId: p.manifest.packetId,
      version: 1,
      manifestHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      state: 'receiving',
      missingFiles: p.files.map(sha256),
      uploadEndpoint: `${inbox.url}/v1/files/`,
    });

    await uploadAll(inbox, window, p);
    const after = await call(inbox, 'GET', packetVersionPath(p.manifest.packetId, 1), { token: window.token });
    expect(after.body.missingFiles).toEqual([]);

    const committed = await commit(inbox, window, p);
    expect(committed.status).toBe(200);
    expect(committed.body).toEqual({
      packetId: p.manifest.packetId,
      version: 1,
      state: 'delivered',
      receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      departmentReference: expect.stringMatching(/^TB\d{8}\d{6}$/),
    });
    // A second commit replays the receipt.
    expect((await commit(inbox, window, p)).body).toEqual(committed.body);
    // The whole manifest, passthrough fields included, is kept as sent.
    const row = (await inbox.db.packet(p.manifest.packetId, 1))!;
    expect(JSON.parse(row.manifest)).toEqual(p.manifest);
    expect(row.state).toBe('delivered');
  });

  it('replays a PUT with an identical answer and stores one packet', async () => {
    const inbox = await startInbox();
    const window = await enrol(inbox);
    const p = packet(window, [bytes(10)]);
    const first = await putPacket(inbox, window, p);
    const second = await putPacket(inbox, window, p);
    expect(second.status).toBe(first.status);
    expect(second.body).toEqual(first.body);
    expect(await inbox.db.listPackets()).toHaveLength(1);
  });

  it('answers 409 for the same packet version with a different manifest', async () => {
    const inbox = await startInbox();
    const window = await enrol(inbox);
    const p = packet(window, [bytes(10)]);
    await putPacket(inbox, window, p);
    const changed = packet(window, [bytes(10)], { packetId: p.manifest.packetId });
    const answer = await putPacket(inbox, window, changed);
    expect(answer.status).toBe(409);
    expect(answer.body.error.code).toBe('packet.conflict');
    expect((await inbox.db.packet(p.manifest.packetId, 1))!.manifest_hash).not.toBe(undefined);
    expect(JSON.parse((await inbox.db.packet(p.manifest.packetId, 1))!.manifest)).toEqual(p.manifest);
  });

  it('counts a file received in any packet as present (content-addressed)', async () => {
    const inbox = await startInbox();
    const window = await enrol(inbox);
    const shared = bytes(5_000);
    const first = packet(window, [shared]);
    await putPacket(inbox, window, first);
    await uploadAll(inbox, window, first);
    const second = packet(window, [shared, bytes(10)]);
    const put = await putPacket(inbox, window, second);
    expect(put.body.missingFiles).toEqual([sha256(second.files[1]!)]);
  });

  it('commit with a file missing → 409 packet.filesMissing naming it; nothing delivered', async () => {
    const inbox = await startInbox();
    const window = await enrol(inbox);
    const p = packet(window, [bytes(100), bytes(200)]);
    await putPacket(inbox, window, p);
    await upload(inbox, window.token, p.files[0]!, p.manifest.packetId);
    const answer = await commit(inbox, window, p);
    expect(answer.status).toBe(409);
    expect(answer.body.error).toMatchObject({ code: 'packet.filesMissing', missingFiles: [sha256(p.files[1]!)] });
    expect((await inbox.db.packet(p.manifest.packetId, 1))!.state).toBe('receiving');
    expect(await inbox.db.changesFor(window.windowId, 0, 10)).toEqual([]);

    const unknown = await call(inbox, 'POST', commitPath(newPacketId(), 1), { token: window.token });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('packet.notFound');
  });

  it('commit finds a stored file altered on the department disk and asks for it again', async () => {
    const dataDir = tempDir();
    const inbox = await startInbox({ dataDir });
    const window = await enrol(inbox);
    const p = packet(window, [bytes(1_000)]);
    await putPacket(inbox, window, p);
    await uploadAll(inbox, window, p);
    const stored = (await inbox.db.file(sha256(p.files[0]!)))!;
    writeFileSync(join(dataDir, 'uploads', stored.path), bytes(1_000));
    const answer = await commit(inbox, window, p);
    expect(answer.status).toBe(409);
    expect(answer.body.error.missingFiles).toEqual([sha256(p.files[0]!)]);
    expect((await putPacket(inbox, window, p)).body.missingFiles).toEqual([sha256(p.files[0]!)]);
    await uploadAll(inbox, window, p);
    expect((await commit(inbox, window, p)).status).toBe(200);
  });

  it('commit right after the uploads reads no stored file again; one written since is read, refused and asked for', async () => {
    const dataDir = tempDir();
    const inbox = await startInbox({ dataDir });
    const window = await enrol(inbox);
    const p = packet(window, [bytes(1_000), bytes(2_000)]);
    await putPacket(inbox, window, p);
    await uploadAll(inbox, window, p);
    const read: string[] = [];
    const digest = inbox.storage.digest;
    inbox.storage.digest = (key) => {
      read.push(key);
      return digest(key);
    };
    // Written at once, within the same tick of the file clock as the upload's last write.
    const altered = (await inbox.db.file(sha256(p.files[1]!)))!;
    writeFileSync(join(dataDir, 'uploads', altered.path), bytes(2_000));
    const answer = await commit(inbox, window, p);
    expect(answer.status).toBe(409);
    expect(answer.body.error.missingFiles).toEqual([sha256(p.files[1]!)]);
    expect(read).toEqual([altered.path]); // the intact file was not read again

    await uploadAll(inbox, window, p);
    read.length = 0;
    expect((await commit(inbox, window, p)).body.state).toBe('delivered');
    expect(read).toEqual([]);
  });
});

describe('what a window learns about other windows', () => {
  it('a file another window uploaded counts as missing until this window uploads it itself', async () => {
    const inbox = await startInbox();
    const w1 = await enrol(inbox, 'W01');
    const w2 = await enrol(inbox, 'W02');
    const shared = bytes(5_000);
    const first = packet(w1, [shared]);
    await putPacket(inbox, w1, first);
    await uploadAll(inbox, w1, first);
    expect((await commit(inbox, w1, first)).body.state).toBe('delivered');

    // W02 lists the same bytes: nothing in any answer may say the department holds them.
    const other = packet(w2, [shared, bytes(10)]);
    const all = [sha256(shared), sha256(other.files[1]!)];
    expect((await putPacket(inbox, w2, other)).body.missingFiles).toEqual(all);
    expect(
      (await call(inbox, 'GET', packetVersionPath(other.manifest.packetId, 1), { token: w2.token })).body,
    ).toMatchObject({ missingFiles: all });
    const early = await commit(inbox, w2, other);
    expect(early.status).toBe(409);
    expect(early.body.error.missingFiles).toEqual(all);

    // W02 sends the bytes itself, as for any file; then it holds them for its later packets too.
    await uploadAll(inbox, w2, other);
    expect((await commit(inbox, w2, other)).body.state).toBe('delivered');
    expect((await putPacket(inbox, w2, packet(w2, [shared]))).body.missingFiles).toEqual([]);
    // W01 still counts what it uploaded itself.
    expect((await putPacket(inbox, w1, packet(w1, [shared]))).body.missingFiles).toEqual([]);
  });

  it('an inbox upgraded from schema 1 keeps counting what each window had sent', async () => {
    const dataDir = tempDir();
    const before = await startInbox({ dataDir });
    const window = await enrol(before);
    const p = packet(window, [bytes(300), bytes(400)]);
    await putPacket(before, window, p);
    await uploadAll(before, window, p);
    await before.close();
    const old = new BetterSqlite3(join(dataDir, 'inbox.db'));
    // Back to schema 1: without what schemas 2 (window_files), 3 (tracking_code), 4 (supply_by) and 5 (ratings) added.
    old.exec(
      'DROP TABLE window_files; DROP INDEX packets_tracking_code; ALTER TABLE packets DROP COLUMN tracking_code; ' +
        'ALTER TABLE changes DROP COLUMN supply_by; DROP TABLE ratings; DROP TABLE call_records; DROP TABLE calls; PRAGMA user_version = 1;',
    );
    old.close();

    const after = await startInbox({ dataDir });
    expect((await putPacket(after, window, p)).body.missingFiles).toEqual([]);
    expect((await commit(after, window, p)).body.state).toBe('delivered');
  });

  it('a stored file found altered at commit is asked for again from every window that had sent it', async () => {
    const dataDir = tempDir();
    const inbox = await startInbox({ dataDir });
    const w1 = await enrol(inbox, 'W01');
    const w2 = await enrol(inbox, 'W02');
    const shared = bytes(2_000);
    const a = packet(w1, [shared]);
    const b = packet(w2, [shared]);
    for (const [w, p] of [
      [w1, a],
      [w2, b],
    ] as const) {
      await putPacket(inbox, w, p);
      await uploadAll(inbox, w, p);
    }
    const stored = (await inbox.db.file(sha256(shared)))!;
    writeFileSync(join(dataDir, 'uploads', stored.path), bytes(2_000));
    expect((await commit(inbox, w1, a)).body.error.missingFiles).toEqual([sha256(shared)]);
    // W02's copy went with it: W02 is asked again too, and a W01 upload does not count for W02.
    await uploadAll(inbox, w1, a);
    expect((await putPacket(inbox, w2, b)).body.missingFiles).toEqual([sha256(shared)]);
    await uploadAll(inbox, w2, b);
    expect((await commit(inbox, w2, b)).body.state).toBe('delivered');
  });
});

describe('signatures', () => {
  for (const scheme of ['ed25519', 'sm2'] as const) {
    it(`a bad ${scheme} signature → 422 signature.invalid and nothing stored`, async () => {
      const inbox = await startInbox();
      const window = await enrol(inbox, 'W01', scheme);
      const p = packet(window, [bytes(10)]);
      // The applicant's name changed after signing.
      const tampered = { ...p.body, manifest: { ...p.manifest, applicant: { name: '李四' } } };
      const answer = await call(inbox, 'PUT', packetVersionPath(p.manifest.packetId, 1), {
        token: window.token,
        body: tampered,
      });
      expect(answer.status).toBe(422);
      expect(answer.body.error.code).toBe('signature.invalid');
      expect(await inbox.db.listPackets()).toEqual([]);
      expect(await inbox.db.packetFiles(p.manifest.packetId, 1)).toEqual([]);
      // And the genuine one still goes through.
      expect((await putPacket(inbox, window, p)).status).toBe(200);
    });
  }

  it('an SM2 window accepts SM2 signatures and refuses Ed25519 ones (scheme mismatch)', async () => {
    const inbox = await startInbox();
    const window = await enrol(inbox, 'W02', 'sm2');
    const other = await enrol(inbox, 'W03', 'ed25519');
    const p = packet(window, [bytes(10)]);
    const wrongScheme = { ...p.body, signature: signManifest(p.manifest, other.key) };
    const answer = await call(inbox, 'PUT', packetVersionPath(p.manifest.packetId, 1), {
      token: window.token,
      body: wrongScheme,
    });
    expect(answer.status).toBe(422);
    expect(answer.body.error.code).toBe('signature.schemeMismatch');
    expect(await inbox.db.listPackets()).toEqual([]);
  });

  it('a signature by another key of the same scheme → 422 signature.unknownKey', async () => {
    const inbox = await startInbox();
    const window = await enrol(inbox, 'W01');
    const stranger = await enrol(inbox, 'W09');
    const p = packet(window, [bytes(10)]);
    const answer = await call(inbox, 'PUT', packetVersionPath(p.manifest.packetId, 1), {
      token: window.token,
      body: { ...p.body, signature: signManifest(p.manifest, stranger.key) },
    });
    expect(answer.status).toBe(422);
    expect(answer.body.error.code).toBe('signature.unknownKey');
  });
});

describe('who may do what', () => {
  it('no token → 401, a wrong token → 401, another window’s token → 403', async () => {
    const inbox = await startInbox();
    const w1 = await enrol(inbox, 'W01');
    const w2 = await enrol(inbox, 'W02');
    const p = packet(w1, [bytes(10)]);
    const path = packetVersionPath(p.manifest.packetId, 1);

    const none = await call(inbox, 'PUT', path, { body: p.body });
    expect([none.status, none.body.error.code]).toEqual([401, 'auth.missingToken']);
    const wrong = await call(inbox, 'PUT', path, { token: 'tbw_not-a-token', body: p.body });
    expect([wrong.status, wrong.body.error.code]).toEqual([401, 'auth.invalidToken']);
    const foreign = await putPacket(inbox, w1, p, w2.token);
    expect([foreign.status, foreign.body.error.code]).toEqual([403, 'auth.windowMismatch']);
    expect(await inbox.db.listPackets()).toEqual([]);

    await putPacket(inbox, w1, p);
    const peek = await call(inbox, 'GET', path, { token: w2.token });
    expect(peek.status).toBe(403);
    const steal = await commit(inbox, w1, p, w2.token);
    expect(steal.status).toBe(403);
    const me = await call(inbox, 'GET', '/v1/windows/me', { token: w2.token });
    expect(me.body).toEqual({ windowId: 'W02', scheme: 'ed25519', keyId: w2.key.keyId });
  });
});

describe('bad input', () => {
  it('garbage bodies → 400 with a code; nothing stored', async () => {
    const inbox = await startInbox();
    const window = await enrol(inbox);
    const p = packet(window, [bytes(10)]);
    const path = packetVersionPath(p.manifest.packetId, 1);
    const cases: Array<[{ raw?: string; body?: unknown; contentType?: string }, number, string]> = [
      [{ raw: '{"manifest": ' }, 400, 'request.malformedJson'],
      [{ raw: '' }, 400, 'request.malformedJson'],
      [{ raw: '{"__proto__": {"x": 1}}' }, 400, 'request.malformedJson'],
      [{ body: {} }, 400, 'request.invalid'],
      [{ body: [1, 2, 3] }, 400, 'request.invalid'],
      [{ body: { manifest: { ...p.manifest, files: 'none' }, signature: p.body.signature } }, 400, 'request.invalid'],
      [{ body: { ...p.body, extra: true } }, 400, 'request.invalid'],
      [{ body: { ...p.body, signature: { ...p.body.signature, scheme: 'rsa' } } }, 400, 'request.invalid'],
      [{ raw: 'hello', contentType: 'text/plain' }, 415, 'request.unsupportedMediaType'],
      [{ raw: JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) }) }, 413, 'request.tooLarge'],
    ];
    for (const [request, status, code] of cases) {
      const answer = await call(inbox, 'PUT', path, { token: window.token, ...request });
      expect([answer.status, answer.body?.error?.code], JSON.stringify(request).slice(0, 80)).toEqual([status, code]);
      expect(answer.body.error.message).toEqual(expect.any(String));
      expect(PROTOCOL_ERRORS[code as keyof typeof PROTOCOL_ERRORS]).toBe(status);
    }
    const badPath = await call(inbox, 'PUT', packetVersionPath('not-a-uuid', 1), { token: window.token, body: p.body });
    expect([badPath.status, badPath.body.error.code]).toEqual([400, 'request.invalid']);
    const otherPath = await call(inbox, 'PUT', packetVersionPath(newPacketId(), 1), {
      token: window.token,
      body: p.body,
    });
    expect([otherPath.status, otherPath.body.error.code]).toEqual([400, 'manifest.pathMismatch']);
    const nowhere = await call(inbox, 'GET', '/v1/nothing', { token: window.token });
    expect([nowhere.status, nowhere.body.error.code]).toEqual([404, 'route.notFound']);
    expect(await inbox.db.listPackets()).toEqual([]);
  });
});

describe('corrections (补正)', () => {
  it('a new version may answer correction_required, once, and only that', async () => {
    const inbox = await startInbox();
    const window = await enrol(inbox);
    const v1 = packet(window, [bytes(10)]);
    await putPacket(inbox, window, v1);
    await uploadAll(inbox, window, v1);
    await commit(inbox, window, v1);
    const id = v1.manifest.packetId;

    // Before the department asks for a correction, a version 2 is refused.
    const early = packet(window, [bytes(10)], { packetId: id, version: 2, previousVersion: 1 });
    const refused = await putPacket(inbox, window, early);
    expect([refused.status, refused.body.error.code]).toEqual([422, 'packet.correctionNotRequested']);
    const dangling = packet(window, [bytes(10)], { packetId: newPacketId(), version: 2, previousVersion: 1 });
    expect((await putPacket(inbox, window, dangling)).body.error.code).toBe('packet.previousVersionMissing');

    await decide(inbox.db, {
      packetId: id,
      decision: { kind: 'correction', items: ['身份证复印件不清晰'] },
      decidedBy: '王审批',
    });
    const v2 = packet(window, [bytes(10)], { packetId: id, version: 2, previousVersion: 1 });
    const put = await putPacket(inbox, window, v2);
    expect([put.status, put.body.state]).toEqual([200, 'receiving']);
    await uploadAll(inbox, window, v2);
    expect((await commit(inbox, window, v2)).body.state).toBe('delivered');

    const v3 = packet(window, [bytes(10)], { packetId: id, version: 3, previousVersion: 1 });
    expect((await putPacket(inbox, window, v3)).body.error.code).toBe('packet.conflict');
    expect((await inbox.db.packet(id, 2))!.previous_version).toBe(1);
  });

  it('a version answering a 补正 issued at the window is taken only as the first version the department sees', async () => {
    const inbox = await startInbox();
    const window = await enrol(inbox);
    const versions = (id: string) =>
      inbox.db.sqlite.prepare('SELECT version FROM packets WHERE packet_id = ? ORDER BY version').pluck().all(id);

    // Version 1 was a 补正 handed over at the counter and never sent: version 2 is the first sight.
    const first = packet(window, [bytes(10)], { version: 2, extra: { windowCorrectionOf: 1 } });
    const id = first.manifest.packetId;
    const put = await putPacket(inbox, window, first);
    expect([put.status, put.body.state]).toEqual([200, 'receiving']);
    expect(await putPacket(inbox, window, first)).toMatchObject({ status: 200, body: put.body }); // replayed
    expect((await inbox.db.packet(id, 2))!.previous_version).toBeNull();

    // Another window correction of the same packet would be a second first sight: refused, nothing stored.
    const second = packet(window, [bytes(10)], { packetId: id, version: 3, extra: { windowCorrectionOf: 2 } });
    const refused = await putPacket(inbox, window, second);
    expect([refused.status, refused.body.error.code]).toEqual([409, 'packet.windowCorrectionConflict']);
    expect(PROTOCOL_ERRORS['packet.windowCorrectionConflict']).toBe(409);
    expect(versions(id)).toEqual([2]);
    // Nor may a late version 1 come after it: two first versions of one packet.
    const lateFirst = packet(window, [bytes(10)], { packetId: id, version: 1 });
    const lateFirstAnswer = await putPacket(inbox, window, lateFirst);
    expect([lateFirstAnswer.status, lateFirstAnswer.body.error.code]).toEqual([409, 'packet.conflict']);
    expect(versions(id)).toEqual([2]);

    // Version 1 sent and registered: a later version may not claim to be the first one.
    const v1 = packet(window, [bytes(10)]);
    const other = v1.manifest.packetId;
    await putPacket(inbox, window, v1);
    const late = packet(window, [bytes(10)], { packetId: other, version: 2, extra: { windowCorrectionOf: 1 } });
    const lateAnswer = await putPacket(inbox, window, late);
    expect([lateAnswer.status, lateAnswer.body.error.code]).toEqual([409, 'packet.windowCorrectionConflict']);
    expect(versions(other)).toEqual([1]);

    // Once the department asks for a correction, the answer names it (previousVersion), even
    // after a window correction in between (windowCorrectionOf as well).
    await uploadAll(inbox, window, v1);
    await commit(inbox, window, v1);
    await decide(inbox.db, {
      packetId: other,
      decision: { kind: 'correction', items: ['户口簿首页'] },
      decidedBy: '王审批',
    });
    expect((await putPacket(inbox, window, late)).body.error.code).toBe('packet.windowCorrectionConflict');
    const answer = packet(window, [bytes(10)], {
      packetId: other,
      version: 3,
      previousVersion: 1,
      extra: { windowCorrectionOf: 2 },
    });
    expect((await putPacket(inbox, window, answer)).body.state).toBe('receiving');
    expect(versions(other)).toEqual([1, 3]);
  });

  it('windowCorrectionOf names the version just before, above any previousVersion (else 400)', async () => {
    const inbox = await startInbox();
    const window = await enrol(inbox);
    const cases: Array<{ version: number; previousVersion?: number; windowCorrectionOf: number }> = [
      { version: 3, windowCorrectionOf: 1 },
      { version: 2, windowCorrectionOf: 2 },
      { version: 3, previousVersion: 2, windowCorrectionOf: 2 },
    ];
    for (const { version, previousVersion, windowCorrectionOf } of cases) {
      const p = packet(window, [bytes(10)], {
        version,
        ...(previousVersion ? { previousVersion } : {}),
        extra: { windowCorrectionOf },
      });
      const answer = await putPacket(inbox, window, p);
      expect([answer.status, answer.body.error.code], JSON.stringify({ version, previousVersion })).toEqual([
        400,
        'request.invalid',
      ]);
    }
    expect(await inbox.db.listPackets()).toEqual([]);
  });
});

describe('transient trouble', () => {
  it('answers 503 with Retry-After while another writer holds the database, and loses nothing', async () => {
    const dataDir = tempDir();
    const inbox = await startInbox({ dataDir, busyTimeoutMs: 50 });
    const window = await enrol(inbox);
    const p = packet(window, [bytes(10)]);
    // The CLI (another connection) in the middle of a long write.
    const other = new BetterSqlite3(join(dataDir, 'inbox.db'));
    other.exec('BEGIN IMMEDIATE');
    try {
      const busy = await putPacket(inbox, window, p);
      expect([busy.status, busy.body.error.code, busy.headers.get('retry-after')]).toEqual([503, 'unavailable', '1']);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    const retried = await putPacket(inbox, window, p);
    expect([retried.status, retried.body.state]).toEqual([200, 'receiving']);
  });
});
