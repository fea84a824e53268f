// The demo profile's department inbox at rest: it runs inside the app on the app's data
// directory, so what it keeps — manifests with applicants' details, scans — is encrypted
// under a key derived from the app's master key, owner-only, and an older unencrypted
// inbox found there is set aside rather than served or crashed on.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { enrolApprover } from '../../../dept-inbox/src/admin.ts';
import { createInbox, type Inbox } from '../../../dept-inbox/src/server.ts';
import type { EmbeddedInbox } from '../../../src-main/demo/embedded-inbox.ts';
import { Hall, tempDir } from './helpers.ts';

const run = promisify(execFile);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Every file and directory under `dir`, with its mode bits. */
function walk(dir: string): Array<{ path: string; dir: boolean; mode: number }> {
  const found: Array<{ path: string; dir: boolean; mode: number }> = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    found.push({ path, dir: entry.isDirectory(), mode: statSync(path).mode & 0o777 });
    if (entry.isDirectory()) found.push(...walk(path));
  }
  return found;
}

/** An approver's session on the inbox's page. */
async function approverCookie(inbox: Inbox): Promise<string> {
  const { token } = await enrolApprover(inbox.db, '演示审批');
  const login = await fetch(`${inbox.url}/approver/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }),
    redirect: 'manual',
  });
  expect(login.status).toBe(303);
  return login.headers.get('set-cookie')!.split(';')[0]!;
}

describe('the demo inbox at rest', () => {
  it('holds no manifest or scan in the clear, owner-only; approvers still see and download them', async () => {
    const dataDir = join(tempDir(), 'app');
    // A folder left by an earlier start, with the usual permissive modes.
    mkdirSync(join(dataDir, 'dept-inbox'), { recursive: true, mode: 0o755 });
    chmodSync(join(dataDir, 'dept-inbox'), 0o755);
    const hall = await Hall.open({}, dataDir);
    const inbox = (hall.core.sync.embeddedInbox as EmbeddedInbox).inbox;
    const sealed = await hall.sealReceived({ idCardExtra: 200_000 });
    await hall.reach(sealed.packetId, 'delivered');

    // Approvers see the packet and get every file back, byte for byte.
    const cookie = await approverCookie(inbox);
    const list = await (await fetch(`${inbox.url}/approver/`, { headers: { cookie } })).text();
    expect(list).toContain(sealed.packetId);
    // The result's delivery the applicant chose at the window, for the department to send it by.
    const detail = await (
      await fetch(`${inbox.url}/approver/packets/${sealed.packetId}/1`, { headers: { cookie } })
    ).text();
    expect(detail).toContain('办理结果送达方式： 窗口领取（原收件窗口）');
    const files = await inbox.db.packetFiles(sealed.packetId, 1);
    const plain: Buffer[] = [];
    for (const file of files) {
      const answer = await fetch(`${inbox.url}/approver/packets/${sealed.packetId}/1/files/${file.position}`, {
        headers: { cookie },
      });
      expect(answer.status).toBe(200);
      const bytes = Buffer.from(await answer.arrayBuffer());
      expect(sha256(bytes)).toBe(file.sha256);
      plain.push(bytes);
    }

    // What must not be found in any file under the inbox's folder.
    const manifest = (await inbox.db.packet(sealed.packetId, 1))!.manifest;
    const secrets = [
      Buffer.from(sealed.packetId),
      Buffer.from('李小梅'),
      Buffer.from(manifest.slice(0, 48)),
      ...plain.map((bytes) => bytes.subarray(bytes.length - 48)),
    ];
    const inboxDir = join(dataDir, 'dept-inbox');
    const check = () => {
      const entries = walk(inboxDir);
      expect(entries.filter((e) => !e.dir).length).toBeGreaterThan(files.length);
      for (const entry of entries) {
        expect({ path: entry.path, mode: entry.mode.toString(8) }).toEqual({
          path: entry.path,
          mode: entry.dir ? '700' : '600',
        });
        if (entry.dir) continue;
        const content = readFileSync(entry.path);
        for (const secret of secrets) expect(content.includes(secret), `${entry.path} holds plaintext`).toBe(false);
      }
      expect(readFileSync(join(inboxDir, 'inbox.db')).subarray(0, 16).toString('latin1')).not.toBe('SQLite format 3\0');
      expect(statSync(inboxDir).mode & 0o777).toBe(0o700);
    };
    check(); // while it runs (WAL and all)
    await hall.close();
    check(); // and as it leaves them
  });

  it('sets an older unencrypted inbox aside and starts afresh; decisions still reach the window', async () => {
    const { decide } = await import('../../../dept-inbox/src/admin.ts');
    const dataDir = join(tempDir(), 'app');
    const hall = await Hall.open({}, dataDir);
    const first = await hall.sealReceived();
    await hall.reach(first.packetId, 'delivered');
    const embedded = () => (hall.core.sync.embeddedInbox as EmbeddedInbox).inbox;
    await decide(embedded().db, { packetId: first.packetId, decision: { kind: 'accept' }, decidedBy: '演示审批' });
    await hall.reach(first.packetId, 'accepted'); // the window has read the feed up to cursor 2
    await hall.close();

    // What an older version left: the same folder, unencrypted.
    const inboxDir = join(dataDir, 'dept-inbox');
    rmSync(inboxDir, { recursive: true });
    const old = await createInbox({ dataDir: inboxDir, logger: false });
    writeFileSync(join(inboxDir, 'marker'), 'old');
    await old.close();

    await hall.boot();
    const aside = readdirSync(dataDir).filter((name) => name.startsWith('dept-inbox.unencrypted-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(dataDir, aside[0]!, 'marker'), 'utf8')).toBe('old');
    expect(
      readFileSync(join(dataDir, aside[0]!, 'inbox.db'))
        .subarray(0, 15)
        .toString(),
    ).toBe('SQLite format 3');
    expect(existsSync(join(inboxDir, 'marker'))).toBe(false);
    expect(readFileSync(join(inboxDir, 'inbox.db')).subarray(0, 15).toString()).not.toBe('SQLite format 3');
    expect(hall.log.text).toContain('unencrypted demo department inbox set aside');

    // The fresh inbox's feed goes on after what the window has read, so its decisions are not skipped.
    const second = await hall.sealReceived();
    await hall.reach(second.packetId, 'delivered');
    await decide(embedded().db, { packetId: second.packetId, decision: { kind: 'accept' }, decidedBy: '演示审批' });
    await hall.reach(second.packetId, 'accepted');
  });

  it('is decided on from the command line through the demo wrapper, which derives its key from the app’s', async () => {
    const dataDir = join(tempDir(), 'app');
    const hall = await Hall.open({}, dataDir);
    const sealed = await hall.sealReceived();
    await hall.reach(sealed.packetId, 'delivered');
    const cli = (...args: string[]) =>
      run(process.execPath, ['--import', 'tsx', 'src-main/demo/inbox-cli.ts', ...args, '--app-data-dir', dataDir], {
        cwd: process.cwd(),
      });
    expect((await cli('list')).stdout).toContain(`${sealed.packetId}  v1`);
    await cli('decide', sealed.packetId, 'accept', '--by', '演示审批');
    await hall.reach(sealed.packetId, 'accepted');
    // The inbox's own CLI, without the key, cannot read it.
    const plain = await run(
      process.execPath,
      ['--import', 'tsx', 'dept-inbox/src/cli.ts', 'list', '--data-dir', join(dataDir, 'dept-inbox')],
      { cwd: process.cwd() },
    ).catch((error: { stderr: string }) => error);
    expect((plain as { stderr: string }).stderr).toContain('atRest.encrypted');
  });
});
