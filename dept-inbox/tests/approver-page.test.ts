// The approver page and the CLI as a department's people use them: sign in with the
// printed token, see the packets, decide through a form; enrol a window from the CLI.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { generateSigningKey } from '../../src-main/sync/signing.ts';
import { enrolApprover } from '../src/admin.ts';
import type { Inbox } from '../src/server.ts';
import { bytes, call, commit, enrol, packet, putPacket, startInbox, tempDir, uploadAll } from './helpers.ts';

const run = promisify(execFile);

async function signIn(inbox: Inbox, token: string): Promise<string> {
  const answer = await fetch(`${inbox.url}/approver/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }),
    redirect: 'manual',
  });
  expect(answer.status).toBe(303);
  const cookie = answer.headers.get('set-cookie') ?? '';
  expect(cookie).toMatch(/HttpOnly; SameSite=Strict/);
  return cookie.split(';')[0]!;
}

describe('approver page', () => {
  it('is closed without a token and decides through forms with one', async () => {
    const inbox = await startInbox();
    const window = await enrol(inbox);
    const p = packet(window, [bytes(500)], { extra: { applicant: { name: '<script>alert(1)</script>' } } });
    await putPacket(inbox, window, p);
    await uploadAll(inbox, window, p);
    await commit(inbox, window, p);
    const detailPath = `/approver/packets/${p.manifest.packetId}/1`;

    const anonymous = await fetch(`${inbox.url}/approver/`);
    expect(await anonymous.text()).toContain('审批人登录');
    expect(anonymous.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect((await fetch(`${inbox.url}${detailPath}`)).status).toBe(401);
    const badLogin = await fetch(`${inbox.url}/approver/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'token=tba_wrong',
    });
    expect(badLogin.status).toBe(401);

    const { token } = await enrolApprover(inbox.db, '王审批');
    const cookie = await signIn(inbox, token);
    const list = await (await fetch(`${inbox.url}/approver/`, { headers: { cookie } })).text();
    expect(list).toContain(p.manifest.packetId);
    expect(list).toContain('已送达');

    const detail = await (await fetch(`${inbox.url}${detailPath}`, { headers: { cookie } })).text();
    expect(detail).toContain('受理');
    expect(detail).not.toContain('<script>alert(1)</script>');
    expect(detail).toContain('&#60;script&#62;');
    const csrf = /name="csrf" value="([^"]+)"/.exec(detail)![1]!;

    const forged = await fetch(`${inbox.url}${detailPath}/decide`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ kind: 'accept', csrf: 'guess' }),
      redirect: 'manual',
    });
    expect(forged.status).toBe(403);
    expect((await inbox.db.packet(p.manifest.packetId, 1))!.state).toBe('delivered');

    const decide = (form: Record<string, string>) =>
      fetch(`${inbox.url}${detailPath}/decide`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...form, csrf }),
        redirect: 'manual',
      });
    expect((await decide({ kind: 'approve', waybill: 'EA123456789CN' })).status).toBe(409); // not accepted yet
    expect((await decide({ kind: 'accept' })).status).toBe(303);
    // After 受理 a refusal is the outcome of the matter, and the page names it so.
    const accepted = await (await fetch(`${inbox.url}${detailPath}`, { headers: { cookie } })).text();
    expect(accepted).toContain('<button>不予许可/不予办理</button>');
    expect(accepted).not.toContain('<button>不予受理</button>');
    expect((await decide({ kind: 'approve', waybill: 'ea123456789cn' })).status).toBe(303);

    const feed = await call(inbox, 'GET', '/v1/changes', { token: window.token });
    expect(feed.body.changes.map((c: { state: string }) => c.state)).toEqual(['delivered', 'accepted', 'approved']);
    expect(feed.body.changes[2]).toMatchObject({ decidedBy: '王审批', waybill: 'EA123456789CN' });

    const file = await fetch(`${inbox.url}${detailPath}/files/0`, { headers: { cookie } });
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer())).toEqual(p.files[0]);
  });
});

describe('approver page across a restart of the inbox', () => {
  it('says the sign-in ran out and that a submitted decision was not made, then returns to the packet', async () => {
    const dataDir = tempDir();
    const first = await startInbox({ dataDir });
    const window = await enrol(first);
    const p = packet(window, [bytes(100)]);
    await putPacket(first, window, p);
    await uploadAll(first, window, p);
    await commit(first, window, p);
    const { token } = await enrolApprover(first.db, '王审批');
    const cookie = await signIn(first, token);
    const detailPath = `/approver/packets/${p.manifest.packetId}/1`;
    const csrf = /name="csrf" value="([^"]+)"/.exec(
      await (await fetch(`${first.url}${detailPath}`, { headers: { cookie } })).text(),
    )![1]!;
    await first.close();
    await new Promise((r) => setTimeout(r, 200));
    // In the demo profile the app restarts its embedded inbox on the same port: the browser keeps the cookie.
    const second = await startInbox({ dataDir, port: first.port });

    const list = await fetch(`${second.url}/approver/`, { headers: { cookie } });
    const listText = await list.text();
    expect(listText).toContain('审批人登录');
    expect(listText).toContain('登录已失效：部门收件箱已重新启动');
    expect(list.headers.get('set-cookie')).toContain('Max-Age=0');

    const decide = await fetch(`${second.url}${detailPath}/decide`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ kind: 'accept', csrf }),
      redirect: 'manual',
    });
    expect(decide.status).toBe(401);
    const decideText = await decide.text();
    expect(decideText).toContain('刚才提交的操作未执行');
    expect(decideText).toContain(`name="next" value="${detailPath}"`);
    expect((await second.db.packet(p.manifest.packetId, 1))!.state).toBe('delivered');

    const login = await fetch(`${second.url}/approver/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, next: detailPath }),
      redirect: 'manual',
    });
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe(detailPath);
    // Only a packet page is followed after sign-in.
    const elsewhere = await fetch(`${second.url}/approver/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, next: 'https://evil.example/' }),
      redirect: 'manual',
    });
    expect(elsewhere.headers.get('location')).toBe('/approver/');
    await second.close();
  });
});

describe('CLI', () => {
  it('enrols a window, printing its token once, and lists packets', async () => {
    const dataDir = tempDir();
    const key = generateSigningKey('sm2');
    const cli = (...args: string[]) =>
      run(process.execPath, ['--import', 'tsx', 'dept-inbox/src/cli.ts', ...args, '--data-dir', dataDir], {
        cwd: process.cwd(),
      });
    const enrolled = await cli('enroll-window', '--window-id', 'W07', '--public-key', key.publicKey, '--scheme', 'sm2');
    const token = enrolled.stdout.trim().split('\n').at(-1)!;
    expect(token).toMatch(/^tbw_[A-Za-z0-9_-]{43}$/);
    const again = await cli(
      'enroll-window',
      '--window-id',
      'W07',
      '--public-key',
      key.publicKey,
      '--scheme',
      'sm2',
    ).catch((e: { stderr: string }) => e);
    expect((again as { stderr: string }).stderr).toContain('window.exists');
    const badKey = await cli('enroll-window', '--window-id', 'W08', '--public-key', 'abc', '--scheme', 'sm2').catch(
      (e: { stderr: string }) => e,
    );
    expect((badKey as { stderr: string }).stderr).toContain('window.invalidKey');

    const inbox = await startInbox({ dataDir });
    const me = await call(inbox, 'GET', '/v1/windows/me', { token });
    expect(me.body).toEqual({ windowId: 'W07', scheme: 'sm2', keyId: key.keyId });
    const p = packet({ windowId: 'W07', key, token }, [bytes(10)]);
    expect((await putPacket(inbox, { windowId: 'W07', key, token }, p)).status).toBe(200);
    const listed = await cli('list');
    expect(listed.stdout).toContain(`${p.manifest.packetId}  v1  W07`);
    expect(listed.stdout).toContain('receiving');
  });
});
