// 视频会商 through a real inbox on 127.0.0.1: the window with its token, the approver's
// console API with a real session cookie and CSRF header; the sweep driven by an
// injected clock.
import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  callAnswerPath,
  callEndPath,
  callPath,
  callRecordPath,
  CALLS_PATH,
  callSignalsPath,
  CallTicket,
  CallView,
  IncomingCalls,
  MAX_PENDING_SIGNALS,
  SignalPoll,
  type CallSignal,
  type CallSubject,
} from '../../src-main/common/call-protocol.ts';
import type { Inbox } from '../src/server.ts';
import { callsOptionsFrom } from '../src/cli.ts';
import { candidate, consoleApi as api, signInApprover } from './console-client.ts';
import {
  bytes,
  call,
  commit,
  enrol,
  packet,
  putPacket,
  startInbox,
  tempDir,
  uploadAll,
  type TestWindow,
} from './helpers.ts';
import { freePort } from '../load/free-port.ts';

const run = promisify(execFile);

const SUBJECT: CallSubject = {
  draftId: 'D-20261207-001',
  itemCode: '11100000MB0317012X-001',
  itemName: '户籍迁移',
  applicant: '张*三',
  note: '户口簿原件有涂改，请确认',
  materials: [{ code: 'M01', name: '户口簿' }],
};

async function place(inbox: Inbox, window: TestWindow, subject: CallSubject = SUBJECT) {
  const callId = randomUUID();
  const answer = await call(inbox, 'POST', CALLS_PATH, { token: window.token, body: { callId, subject } });
  expect(answer.status).toBe(201);
  return { callId, ticket: CallTicket.parse(answer.body) };
}

const offer: CallSignal = { type: 'description', description: { type: 'offer', sdp: 'v=0\r\n' } };

describe('视频会商 in the inbox', () => {
  it('a window places a call that waits, an approver answers, and a second approver finds it taken', async () => {
    const inbox = await startInbox();
    const window = await enrol(inbox);
    const { callId, ticket } = await place(inbox, window);
    expect(ticket.call).toMatchObject({ state: 'waiting', placedBy: 'window', approversOnline: 0, approver: null });
    expect(ticket.iceServers).toEqual([]);

    // The same request again (a retry) is the same call.
    const again = await call(inbox, 'POST', CALLS_PATH, { token: window.token, body: { callId, subject: SUBJECT } });
    expect(again.status).toBe(200);
    expect(CallTicket.parse(again.body).call.placedAt).toBe(ticket.call.placedAt);

    const wang = await signInApprover(inbox, '王审批');
    const newer = await place(inbox, await enrol(inbox, 'W03'));
    const list = await api<{ calls: CallView[]; version: number }>(inbox, wang, 'GET', 'waiting');
    expect(list.body.calls.map((c) => c.callId)).toEqual([newer.callId, callId]); // newest first
    expect(list.body.calls[1]!.subject.note).toBe(SUBJECT.note);
    // Nothing changed since: the console's poll waits (here: 1 s) and answers the same list.
    const same = await api<{ calls: CallView[]; version: number }>(
      inbox,
      wang,
      'GET',
      `waiting?wait=1&since=${list.body.version}`,
    );
    expect(same.body.version).toBe(list.body.version);
    // The approver is online now: the window's view says so.
    const view = await call(inbox, 'GET', callPath(callId), { token: window.token });
    expect(CallView.parse(view.body).approversOnline).toBe(1);

    const answered = await api(inbox, wang, 'POST', `${callId}/answer`);
    expect(answered.status).toBe(200);
    const answeredTicket = CallTicket.parse(answered.body);
    expect(answeredTicket.call.state).toBe('active');
    expect(answeredTicket.call.approver?.name).toBe('王审批');

    const li = await signInApprover(inbox, '李审批');
    const late = await api<{ error: { code: string } }>(inbox, li, 'POST', `${callId}/answer`);
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('call.taken');
    // Another approver cannot read or write its signals either.
    expect((await api(inbox, li, 'GET', `${callId}/signals`)).status).toBe(403);

    // Another window's token does not find the call at all.
    const other = await enrol(inbox, 'W02');
    const foreign = await call(inbox, 'GET', callPath(callId), { token: other.token });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('call.notFound');
    expect((await call(inbox, 'GET', callSignalsPath(callId), { token: other.token })).status).toBe(404);
  });

  it('relays signals both ways in order, and a waiting poll wakes at once', async () => {
    const inbox = await startInbox();
    const window = await enrol(inbox);
    const wang = await signInApprover(inbox, '王审批');
    const { callId } = await place(inbox, window);

    // The window waits on its call's signals; the answer wakes it at once.
    const started = Date.now();
    const waitingPoll = call(inbox, 'GET', `${callSignalsPath(callId)}?after=0&wait=20`, { token: window.token });
    await new Promise((r) => setTimeout(r, 200));
    expect((await api(inbox, wang, 'POST', `${callId}/answer`)).status).toBe(200);
    const woke = SignalPoll.parse((await waitingPoll).body);
    expect(woke.call.state).toBe('active');
    expect(Date.now() - started).toBeLessThan(5000);

    // Approver → window, woken by the first signal.
    const windowPoll = call(inbox, 'GET', `${callSignalsPath(callId)}?after=0&wait=20`, { token: window.token });
    await new Promise((r) => setTimeout(r, 200));
    const sentAt = Date.now();
    for (const signal of [offer, candidate(1), candidate(2)]) {
      expect((await api(inbox, wang, 'POST', `${callId}/signals`, { signal })).status).toBe(204);
    }
    const first = SignalPoll.parse((await windowPoll).body);
    expect(Date.now() - sentAt).toBeLessThan(3000);
    expect(first.signals.length).toBeGreaterThanOrEqual(1);
    const all = SignalPoll.parse(
      (await call(inbox, 'GET', `${callSignalsPath(callId)}?after=0`, { token: window.token })).body,
    );
    expect(all.signals.map((s) => s.signal)).toEqual([offer, candidate(1), candidate(2)]);
    expect(all.signals.every((s) => s.from === 'approver')).toBe(true);
    const seqs = all.signals.map((s) => s.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));

    // Window → approver: its own signals are not echoed back to it.
    const answer: CallSignal = { type: 'description', description: { type: 'answer', sdp: 'v=0\r\n' } };
    const source: CallSignal = { type: 'source', source: 'both' };
    for (const signal of [answer, source]) {
      expect(
        (await call(inbox, 'POST', callSignalsPath(callId), { token: window.token, body: { signal } })).status,
      ).toBe(204);
    }
    const forApprover = await api<{ signals: Array<{ signal: CallSignal }> }>(
      inbox,
      wang,
      'GET',
      `${callId}/signals?after=0`,
    );
    expect(forApprover.body.signals.map((s) => s.signal)).toEqual([answer, source]);
    const after = seqs.at(-1)!;
    const nothingNew = SignalPoll.parse(
      (await call(inbox, 'GET', `${callSignalsPath(callId)}?after=${after}`, { token: window.token })).body,
    );
    expect(nothingNew.signals).toEqual([]);

    // Each side sends only its own kinds of signal.
    const stillRequest: CallSignal = { type: 'stillRequest', requestId: randomUUID(), materialCode: 'M01' };
    const wrong = await call(inbox, 'POST', callSignalsPath(callId), {
      token: window.token,
      body: { signal: stillRequest },
    });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe('call.forbidden');
    expect((await api(inbox, wang, 'POST', `${callId}/signals`, { signal: stillRequest })).status).toBe(204);
    expect((await api(inbox, wang, 'POST', `${callId}/signals`, { signal: source })).status).toBe(403);
  });

  it('refuses signals beyond MAX_PENDING_SIGNALS the other side has not read', async () => {
    const inbox = await startInbox();
    const window = await enrol(inbox);
    const wang = await signInApprover(inbox, '王审批');
    const { callId } = await place(inbox, window);
    await api(inbox, wang, 'POST', `${callId}/answer`);
    const send = () =>
      call(inbox, 'POST', callSignalsPath(callId), { token: window.token, body: { signal: candidate(1) } });
    for (let i = 0; i < MAX_PENDING_SIGNALS; i++) expect((await send()).status).toBe(204);
    const over = await send();
    expect(over.status).toBe(409);
    expect(over.body.error.code).toBe('call.conflict');
    // Once the approver has read them, the window may go on.
    const read = await api<{ signals: Array<{ seq: number }> }>(inbox, wang, 'GET', `${callId}/signals?after=0`);
    expect(read.body.signals).toHaveLength(MAX_PENDING_SIGNALS);
    await api(inbox, wang, 'GET', `${callId}/signals?after=${read.body.signals.at(-1)!.seq}`);
    expect((await send()).status).toBe(204);
  });

  it('ends calls by the rules: withdraw, decline, hang up, and an ended call stays ended', async () => {
    const inbox = await startInbox();
    const window = await enrol(inbox);
    const wang = await signInApprover(inbox, '王审批');
    const end = (callId: string, reason: string) =>
      call(inbox, 'POST', callEndPath(callId), { token: window.token, body: { reason } });

    const a = await place(inbox, window);
    expect((await end(a.callId, 'declined')).body.error.code).toBe('call.forbidden'); // its own call
    expect((await end(a.callId, 'expired')).body.error.code).toBe('call.invalid'); // the inbox's to decide
    expect((await end(a.callId, 'lost')).body.error.code).toBe('call.conflict');
    const withdrawn = await end(a.callId, 'withdrawn');
    expect(withdrawn.status).toBe(200);
    expect(CallView.parse(withdrawn.body)).toMatchObject({ state: 'ended', endReason: 'withdrawn' });
    expect(CallView.parse((await end(a.callId, 'hangup')).body).endReason).toBe('withdrawn'); // same view
    const late = await api<{ error: { code: string } }>(inbox, wang, 'POST', `${a.callId}/answer`);
    expect(late.body.error.code).toBe('call.ended');
    const signal = await call(inbox, 'POST', callSignalsPath(a.callId), {
      token: window.token,
      body: { signal: offer },
    });
    expect(signal.body.error.code).toBe('call.ended');

    // Hanging up one's own waiting call withdraws it.
    const b = await place(inbox, window);
    expect(CallView.parse((await end(b.callId, 'hangup')).body).endReason).toBe('withdrawn');

    // The approver declines a window's request.
    const c = await place(inbox, window);
    const declined = await api<CallView>(inbox, wang, 'POST', `${c.callId}/end`, { reason: 'declined' });
    expect(declined.body).toMatchObject({ state: 'ended', endReason: 'declined' });

    // Answered: no more withdrawing; hang up.
    const d = await place(inbox, window);
    await api(inbox, wang, 'POST', `${d.callId}/answer`);
    expect((await end(d.callId, 'withdrawn')).body.error.code).toBe('call.notWaiting');
    const li = await signInApprover(inbox, '李审批');
    expect((await api(inbox, li, 'POST', `${d.callId}/end`, { reason: 'hangup' })).status).toBe(403);
    const hungUp = await api<CallView>(inbox, wang, 'POST', `${d.callId}/end`, { reason: 'hangup' });
    expect(hungUp.body).toMatchObject({ state: 'ended', endReason: 'hangup' });
    const seen = SignalPoll.parse((await call(inbox, 'GET', callSignalsPath(d.callId), { token: window.token })).body);
    expect(seen.call.endReason).toBe('hangup');
  });

  it('an approver calls a window about a packet it sent; the window sees it, answers or declines', async () => {
    const inbox = await startInbox();
    const window = await enrol(inbox);
    const p = packet(window, [bytes(300)], { extra: { itemName: '户籍迁移', applicant: { name: '张小三' } } });
    await putPacket(inbox, window, p);
    await uploadAll(inbox, window, p);
    await commit(inbox, window, p);
    const wang = await signInApprover(inbox, '王审批');

    // Not this window's packet: refused.
    const wrong = await api<{ error: { code: string } }>(inbox, wang, 'POST', 'place', {
      windowId: 'W09',
      packetId: p.manifest.packetId,
    });
    expect(wrong.status).toBe(404);

    const incoming = call(inbox, 'GET', `${CALLS_PATH}?wait=20`, { token: window.token });
    await new Promise((r) => setTimeout(r, 200));
    const placed = await api(inbox, wang, 'POST', 'place', { windowId: 'W01', packetId: p.manifest.packetId });
    expect(placed.status).toBe(201);
    const ticket = CallTicket.parse(placed.body);
    expect(ticket.call.subject).toMatchObject({
      packetId: p.manifest.packetId,
      itemName: '户籍迁移',
      applicant: '张*三',
      materials: [],
    });
    const rung = IncomingCalls.parse((await incoming).body);
    expect(rung.calls.map((c) => c.callId)).toEqual([ticket.call.callId]);
    // The approver cannot answer its own call; the window can.
    expect((await api(inbox, wang, 'POST', `${ticket.call.callId}/answer`)).status).toBe(403);
    const answered = await call(inbox, 'POST', callAnswerPath(ticket.call.callId), { token: window.token });
    expect(CallTicket.parse(answered.body).call.state).toBe('active');
    expect(IncomingCalls.parse((await call(inbox, 'GET', CALLS_PATH, { token: window.token })).body).calls).toEqual([]);

    // A second one the window turns down.
    const next = CallTicket.parse(
      (await api(inbox, wang, 'POST', 'place', { windowId: 'W01', packetId: p.manifest.packetId })).body,
    );
    const declined = await call(inbox, 'POST', callEndPath(next.call.callId), {
      token: window.token,
      body: { reason: 'declined' },
    });
    expect(CallView.parse(declined.body).endReason).toBe('declined');
  });

  it('expires unanswered calls and ends active calls a side fell silent on', async () => {
    let clock = Date.parse('2026-12-07T09:00:00Z');
    const inbox = await startInbox({ now: () => clock, calls: { ringMs: 60_000, lostMs: 30_000, sweepMs: 3600_000 } });
    const window = await enrol(inbox);
    const wang = await signInApprover(inbox, '王审批');
    const a = await place(inbox, window);
    const b = await place(inbox, window);
    await api(inbox, wang, 'POST', `${b.callId}/answer`);

    clock += 20_000;
    await call(inbox, 'GET', callSignalsPath(b.callId), { token: window.token }); // the window keeps polling
    expect(await inbox.calls.sweep()).toBe(0);
    clock += 15_000; // the approver has been silent for 35 s
    await call(inbox, 'GET', callSignalsPath(b.callId), { token: window.token });
    expect(await inbox.calls.sweep()).toBe(1);
    const lost = CallView.parse((await call(inbox, 'GET', callPath(b.callId), { token: window.token })).body);
    expect(lost).toMatchObject({ state: 'ended', endReason: 'lost' });

    clock += 30_000; // a has rung 65 s
    expect(await inbox.calls.sweep()).toBe(1);
    const expired = CallView.parse((await call(inbox, 'GET', callPath(a.callId), { token: window.token })).body);
    expect(expired).toMatchObject({ state: 'ended', endReason: 'expired' });
  });

  it('ends calls left open by a restart as refused', async () => {
    const dataDir = tempDir();
    const first = await startInbox({ dataDir });
    const window = await enrol(first);
    const { callId } = await place(first, window);
    await first.close();
    const second = await startInbox({ dataDir });
    const view = CallView.parse((await call(second, 'GET', callPath(callId), { token: window.token })).body);
    expect(view).toMatchObject({ state: 'ended', endReason: 'refused' });
  });

  it('refuses garbage with 400 and a code', async () => {
    const inbox = await startInbox();
    const window = await enrol(inbox);
    const malformed = await call(inbox, 'POST', CALLS_PATH, { token: window.token, raw: '{"callId":' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('request.malformedJson');
    for (const body of [
      { callId: 'not-a-uuid', subject: SUBJECT },
      { callId: randomUUID(), subject: { ...SUBJECT, draftId: undefined } }, // about nothing
      { callId: randomUUID(), subject: SUBJECT, extra: 1 },
      [],
    ]) {
      const answer = await call(inbox, 'POST', CALLS_PATH, { token: window.token, body });
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('call.invalid');
    }
    const { callId } = await place(inbox, window);
    const badWait = await call(inbox, 'GET', `${callSignalsPath(callId)}?wait=600`, { token: window.token });
    expect(badWait.body.error.code).toBe('call.invalid');
    const badSignal = await call(inbox, 'POST', callSignalsPath(callId), {
      token: window.token,
      body: { signal: { type: 'telepathy' } },
    });
    expect(badSignal.body.error.code).toBe('call.invalid');
    const badRecord = await call(inbox, 'POST', callRecordPath(callId), {
      token: window.token,
      body: { entry: { kind: 'still', sha256: 'xyz' } },
    });
    expect(badRecord.body.error.code).toBe('call.invalid');
    expect((await call(inbox, 'GET', callPath('nope'), { token: window.token })).body.error.code).toBe('call.notFound');
    expect((await call(inbox, 'GET', callPath(callId))).status).toBe(401);
  });

  it('hands out TURN credentials as coturn computes them (use-auth-secret)', async () => {
    const clock = Date.parse('2026-12-07T09:00:00Z');
    const inbox = await startInbox({
      now: () => clock,
      calls: {
        iceServers: [{ urls: 'stun:stun.example.gov.cn:3478' }],
        turn: { urls: ['turn:turn.example.gov.cn:3478?transport=udp'], secret: 'north-hall-secret', ttlSeconds: 600 },
      },
    });
    const window = await enrol(inbox);
    const { ticket } = await place(inbox, window);
    expect(ticket.iceServers[0]).toEqual({ urls: 'stun:stun.example.gov.cn:3478' });
    const turn = ticket.iceServers[1]!;
    expect(turn.urls).toEqual(['turn:turn.example.gov.cn:3478?transport=udp']);
    expect(turn.username).toBe(`${clock / 1000 + 600}:W01`);
    // coturn: base64(HMAC-SHA1(static-auth-secret, username)); computed here by openssl, not by our code.
    const { stdout } = await run(
      'sh',
      ['-c', `printf %s "$USERNAME" | openssl dgst -sha1 -hmac "$SECRET" -binary | base64`],
      { env: { ...process.env, USERNAME: turn.username!, SECRET: 'north-hall-secret' } },
    );
    expect(turn.credential).toBe(stdout.trim());

    // The approver's ticket names the approver.
    const wang = await signInApprover(inbox, '王审批');
    const answered = CallTicket.parse((await api(inbox, wang, 'POST', `${ticket.call.callId}/answer`)).body);
    expect(answered.iceServers[1]!.username).toMatch(/^\d+:1$/);
  });

  it('hands out TURN credentials a real coturn (use-auth-secret) allocates with', async () => {
    const port = await freePort();
    const secret = randomUUID();
    const turn = spawn(
      '/usr/bin/turnserver',
      [
        '-n',
        '--listening-ip=127.0.0.1',
        '--relay-ip=127.0.0.1',
        `--listening-port=${port}`,
        '--use-auth-secret',
        `--static-auth-secret=${secret}`,
        '--realm=hall.test',
        '--no-tls',
        '--no-dtls',
        '--no-cli',
        '--fingerprint',
        '--allow-loopback-peers',
        '--log-file=stdout',
      ],
      { stdio: 'ignore' },
    );
    try {
      const inbox = await startInbox({ calls: { turn: { urls: [`turn:127.0.0.1:${port}`], secret } } });
      const { ticket } = await place(inbox, await enrol(inbox));
      const { username, credential } = ticket.iceServers[0]!;
      const allocate = async (password: string) => {
        const args = [
          '-p',
          String(port),
          '-u',
          username!,
          '-w',
          password,
          '-n',
          '1',
          '-m',
          '1',
          '-y',
          '-c',
          '127.0.0.1',
        ];
        for (let attempt = 0; ; attempt++) {
          const { stdout, stderr } = await run('/usr/bin/turnutils_uclient', args, { timeout: 15_000 }).catch(
            (error: { stdout?: string; stderr?: string }) => ({
              stdout: error.stdout ?? '',
              stderr: error.stderr ?? '',
            }),
          );
          const out = stdout + stderr;
          // The server may still be starting: try again a few times while nothing answers.
          if (attempt < 10 && !/Allocation|tot_recv_bytes/.test(out)) {
            await new Promise((r) => setTimeout(r, 300));
            continue;
          }
          return out;
        }
      };
      const good = await allocate(credential!);
      expect(good).not.toContain('Cannot complete Allocation');
      expect(good).toMatch(/tot_recv_bytes ~ [1-9]/);
      expect(await allocate(`${credential!.slice(0, -2)}AA`)).toContain('Cannot complete Allocation');
    } finally {
      turn.kill();
    }
  }, 60_000);

  it('keeps both sides’ records, links a draft call to its packet when sealed, and shows them on the packet page', async () => {
    const inbox = await startInbox();
    const window = await enrol(inbox);
    const wang = await signInApprover(inbox, '王审批');
    const { callId } = await place(inbox, window);
    await api(inbox, wang, 'POST', `${callId}/answer`);
    const sha = 'ab'.repeat(32);
    const record = (entry: unknown) =>
      call(inbox, 'POST', callRecordPath(callId), { token: window.token, body: { entry } });
    expect((await record({ kind: 'connected', approver: { id: '1', name: '王审批' } })).status).toBe(204);
    expect((await record({ kind: 'restored', fromMs: 1_000, toMs: 8_000 })).status).toBe(204);
    // The approver saw the same cut (a little later), and one more.
    for (const entry of [
      { kind: 'restored', fromMs: 1_500, toMs: 8_200 },
      { kind: 'restored', fromMs: 60_000, toMs: 63_000 },
    ]) {
      expect((await api(inbox, wang, 'POST', `${callId}/record`, { entry })).status).toBe(204);
    }
    expect((await record({ kind: 'still', materialCode: 'M01', sha256: sha, width: 4000, height: 3000 })).status).toBe(
      204,
    );
    expect(
      (
        await api(inbox, wang, 'POST', `${callId}/record`, {
          entry: { kind: 'still', materialCode: 'M01', sha256: sha, width: 4000, height: 3000 },
        })
      ).status,
    ).toBe(204);
    // Only the window says what a draft was sealed as.
    const p = packet(window, [bytes(200)]);
    expect(
      (
        await api(inbox, wang, 'POST', `${callId}/record`, {
          entry: { kind: 'sealedAs', packetId: p.manifest.packetId },
        })
      ).status,
    ).toBe(403);
    await api(inbox, wang, 'POST', `${callId}/end`, { reason: 'hangup' });

    await putPacket(inbox, window, p);
    await uploadAll(inbox, window, p);
    await commit(inbox, window, p);
    const detailPath = `/approver/packets/${p.manifest.packetId}/1`;
    const before = await (await fetch(`${inbox.url}${detailPath}`, { headers: { cookie: wang.cookie } })).text();
    expect(before).toContain('视频会商记录');
    expect(before).toContain('尚无视频会商');
    expect(before).toContain('发起视频会商');

    expect((await record({ kind: 'sealedAs', packetId: p.manifest.packetId })).status).toBe(204);
    expect((await inbox.db.call(callId))!.packet_id).toBe(p.manifest.packetId);
    expect((await inbox.db.callRecords(callId)).map((r) => [r.side, JSON.parse(r.entry).kind])).toEqual([
      ['window', 'connected'],
      ['window', 'restored'],
      ['approver', 'restored'],
      ['approver', 'restored'],
      ['window', 'still'],
      ['approver', 'still'],
      ['window', 'sealedAs'],
    ]);
    const detail = await (await fetch(`${inbox.url}${detailPath}`, { headers: { cookie: wang.cookie } })).text();
    const section = detail.slice(detail.indexOf('视频会商记录'));
    expect(section).toContain(`data-call-id="${callId}"`);
    expect(section).toContain('王审批');
    expect(section).toContain('挂断');
    expect(section.split('中断 7 秒')).toHaveLength(2); // one cut, told by both sides
    expect(section).toContain('中断 3 秒');
    expect(section.split('户口簿：abababababab…（4000×3000）')).toHaveLength(2); // one still, told by both sides
  });

  it('refuses a console POST without its CSRF header, and the console without a session', async () => {
    const inbox = await startInbox();
    const window = await enrol(inbox);
    const wang = await signInApprover(inbox, '王审批');
    const { callId } = await place(inbox, window);
    for (const csrf of [null, 'guess']) {
      const forged = await api<{ error: { code: string } }>(inbox, wang, 'POST', `${callId}/answer`, undefined, {
        csrf,
      });
      expect(forged.status).toBe(403);
      expect(forged.body.error.code).toBe('approver.badCsrf');
    }
    expect((await inbox.db.call(callId))!.state).toBe('waiting');
    const anonymous = await fetch(`${inbox.url}/approver/calls/api/waiting`);
    expect(anonymous.status).toBe(401);
    const page = await fetch(`${inbox.url}/approver/calls/`, { redirect: 'manual' });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/approver/');
  });

  it('serves the console page under a strict CSP with its bundled script', async () => {
    const inbox = await startInbox();
    const wang = await signInApprover(inbox, '王审批');
    const page = await fetch(`${inbox.url}/approver/calls/`, { headers: { cookie: wang.cookie } });
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    const html = await page.text();
    expect(html).toContain('<script type="module" src="/approver/calls/app.js"></script>');
    const script = await fetch(`${inbox.url}/approver/calls/app.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('javascript');
    const code = await script.text();
    expect(code).toContain('remote-main');
    expect(code).toContain('RTCPeerConnection');
  }, 30_000);

  it('reads the serve command’s STUN and TURN flags', () => {
    const dir = tempDir();
    const secretFile = `${dir}/turn-secret`;
    writeFileSync(secretFile, 'north-hall-secret\n');
    expect(
      callsOptionsFrom({
        'stun-url': ['stun:a:3478', 'stun:b:3478'],
        'turn-url': ['turn:t:3478?transport=udp', 'turns:t:5349'],
        'turn-secret-file': secretFile,
      }),
    ).toEqual({
      iceServers: [{ urls: ['stun:a:3478', 'stun:b:3478'] }],
      turn: { urls: ['turn:t:3478?transport=udp', 'turns:t:5349'], secret: 'north-hall-secret' },
    });
    expect(() => callsOptionsFrom({ 'turn-url': ['turn:t:3478'] })).toThrow(/--turn-secret-file/);
    expect(callsOptionsFrom({})).toEqual({});
  });
});

describe('the calls command', () => {
  it('lists calls and their records, as JSON too', async () => {
    const dataDir = tempDir();
    const inbox = await startInbox({ dataDir });
    const window = await enrol(inbox);
    const { callId } = await place(inbox, window);
    await call(inbox, 'POST', callRecordPath(callId), {
      token: window.token,
      body: { entry: { kind: 'source', source: 'document' } },
    });
    await call(inbox, 'POST', callEndPath(callId), { token: window.token, body: { reason: 'withdrawn' } });
    const cli = ['--import', 'tsx', 'dept-inbox/src/cli.ts', 'calls', '--data-dir', dataDir];
    const { stdout } = await run(process.execPath, cli);
    expect(stdout).toContain(callId);
    expect(stdout).toContain('withdrawn');
    const json = JSON.parse((await run(process.execPath, [...cli, '--json'])).stdout) as Array<{
      call_id: string;
      records: Array<{ entry: unknown }>;
    }>;
    expect(json.map((c) => c.call_id)).toEqual([callId]);
    expect(json[0]!.records.map((r) => r.entry)).toEqual([{ kind: 'source', source: 'document' }]);
    const none = await run(process.execPath, [...cli, '--packet', '0190f3d2-0000-7000-8000-000000000000']);
    expect(none.stdout.trim()).toBe('no calls');
  });
});
