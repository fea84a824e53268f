// 办理进度查询: the public status page as an applicant uses it, on a real inbox on
// 127.0.0.1 — the 查询号 from the receipt (as scanned, or typed any old way) shows the
// item and where it stands, nothing personal; a typo is told as a typo, an unknown code
// as not yet there, and a sweep of guesses is throttled.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newTrackingCode } from '../../src-main/common/tracking-code.ts';
import { decide } from '../src/admin.ts';
import { InboxDb } from '../src/db.ts';
import type { Inbox } from '../src/server.ts';
import { bytes, commit, enrol, packet, putPacket, startInbox, tempDir, uploadAll } from './helpers.ts';
import { join } from 'node:path';

const code = () => newTrackingCode((n) => randomBytes(n));

async function track(inbox: Inbox, path: string): Promise<{ status: number; text: string; headers: Headers }> {
  const answer = await fetch(`${inbox.url}${path}`, { redirect: 'manual' });
  return { status: answer.status, text: await answer.text(), headers: answer.headers };
}

/** A registered packet with the fields this project's windows send. */
async function registered(inbox: Inbox, trackingCode: string) {
  const window = await enrol(inbox);
  const p = packet(window, [bytes(300)], {
    extra: {
      trackingCode,
      itemName: '社会保障卡申领',
      receivedAt: '2026-11-25T01:30:00.000Z',
      deadline: '2026-12-09',
      applicant: { name: '李小梅', idNumber: '510104199003071245' },
    },
  });
  expect((await putPacket(inbox, window, p)).status).toBe(200);
  return { window, p };
}

describe('the public status page (/track/:code)', () => {
  it('shows item, time received and state as the department knows it, and nothing personal', async () => {
    const inbox = await startInbox();
    const tracking = code();
    const { window, p } = await registered(inbox, tracking);

    const sending = await track(inbox, `/track/${tracking}`);
    expect(sending.status).toBe(200);
    expect(sending.headers.get('content-type')).toMatch(/^text\/html/);
    expect(sending.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(sending.headers.get('cache-control')).toBe('no-store');
    expect(sending.text).toContain('办理进度查询');
    expect(sending.text).toContain(tracking);
    expect(sending.text).toContain('社会保障卡申领');
    expect(sending.text).toContain('2026-11-25 09:30'); // China time
    expect(sending.text).toContain('报送中');
    expect(sending.text).toContain('2026-12-09');
    for (const personal of ['李小梅', '510104199003071245', p.manifest.packetId])
      expect(sending.text).not.toContain(personal);

    await uploadAll(inbox, window, p);
    await commit(inbox, window, p);
    expect((await track(inbox, `/track/${tracking}`)).text).toContain('已接收');
    await decide(inbox.db, {
      packetId: p.manifest.packetId,
      version: 1,
      decision: { kind: 'accept' },
      decidedBy: '王审批',
    });
    const accepted = await track(inbox, `/track/${tracking}`);
    expect(accepted.text).toContain('已受理');
    expect(accepted.text).not.toContain('王审批');
  });

  it('reads the code as people type it: lower case, without dashes, O for 0 and L for 1', async () => {
    const inbox = await startInbox();
    const tracking = code();
    await registered(inbox, tracking);
    const typed = tracking.replace(/-/g, '').replace(/0/g, 'o').replace(/1/g, 'l').toLowerCase();
    const answer = await track(inbox, `/track/${typed}`);
    expect(answer.status).toBe(200);
    expect(answer.text).toContain(tracking);
    // The form sends ?code=, which goes to the code's page.
    const form = await track(inbox, `/track?code=${encodeURIComponent(` ${typed.slice(0, 4)} ${typed.slice(4)} `)}`);
    expect(form.status).toBe(303);
    expect(form.headers.get('location')).toBe(`/track/${tracking}`);
    expect((await track(inbox, '/track')).text).toContain('<input type="text" name="code"');
  });

  it('answers 404 for a code with a typo (told as one) and for an unknown code', async () => {
    const inbox = await startInbox();
    const tracking = code();
    await registered(inbox, tracking);
    // One symbol off: the check symbol catches it before any lookup.
    const symbols = tracking.replace(/-/g, '');
    const typo = (symbols[0] === 'A' ? 'B' : 'A') + symbols.slice(1);
    const malformed = await track(inbox, `/track/${typo}`);
    expect(malformed.status).toBe(404);
    expect(malformed.text).toContain('查询号有误');
    expect((await track(inbox, '/track/not-a-code')).text).toContain('查询号有误');

    let other = code();
    while (other === tracking) other = code();
    const unknown = await track(inbox, `/track/${other}`);
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('没有查到该查询号的办件');
    expect(unknown.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('throttles an address after repeated misses, and lets it try again later', async () => {
    let now = Date.UTC(2026, 10, 25, 2, 0, 0);
    const inbox = await startInbox({
      now: () => now,
      trackThrottle: { freeFailures: 3, baseLockMs: 60_000, maxLockMs: 600_000, forgetAfterMs: 3600_000, maxKeys: 100 },
    });
    const tracking = code();
    await registered(inbox, tracking);
    for (let i = 0; i < 2; i++) expect((await track(inbox, `/track/${code()}`)).status).toBe(404);
    expect((await track(inbox, '/track/0000')).status).toBe(404); // the third miss locks
    const locked = await track(inbox, `/track/${tracking}`);
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBe('60');
    expect(locked.text).toContain('查询失败次数过多，请 1 分钟后再试');
    now += 61_000;
    expect((await track(inbox, `/track/${tracking}`)).status).toBe(200);
  });

  it('refuses a manifest whose 查询号 fails its check', async () => {
    const inbox = await startInbox();
    const window = await enrol(inbox);
    const p = packet(window, [bytes(10)], { extra: { trackingCode: 'ABCD-EFGH-JKMN' } });
    const answer = await putPacket(inbox, window, p);
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toContain('trackingCode');
  });

  it('finds the codes of packets registered before the inbox kept them (schema 2 → 3)', async () => {
    const dataDir = tempDir();
    const first = await startInbox({ dataDir });
    const tracking = code();
    await registered(first, tracking);
    await first.close();
    // Back to schema 2, as an inbox of the earlier version left it: the manifest has the code, no column does.
    const old = InboxDb.openSqlite(join(dataDir, 'inbox.db'));
    old.sqlite.exec(
      'DROP INDEX packets_tracking_code; ALTER TABLE packets DROP COLUMN tracking_code; ' +
        'ALTER TABLE changes DROP COLUMN supply_by; DROP TABLE ratings; DROP TABLE call_records; DROP TABLE calls; PRAGMA user_version = 2',
    );
    await old.close();

    const again = await startInbox({ dataDir });
    expect(await again.db.packetIdsByTrackingCode(tracking)).toHaveLength(1);
    expect((await track(again, `/track/${tracking}`)).status).toBe(200);
  });
});
