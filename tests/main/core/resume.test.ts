// Resume tickets: a browser tab's new connection (reload, dropped socket) takes its
// session back, once, within the limits — through the real dispatcher and core.
import { describe, expect, it } from 'vitest';
import type { EventMessage, ResultMessage } from '../../../src-main/api/wire.ts';
import type { Connection } from '../../../src-main/core/hall-core.ts';
import { RESUME_LIMIT_MS } from '../../../src-main/auth/resume-tickets.ts';
import { bootTestCore } from '../helpers.ts';

const STRONG = 'Counter#2026';

function open(core: Awaited<ReturnType<typeof bootTestCore>>['core']) {
  const events: EventMessage[] = [];
  const connection: Connection = core.openConnection((event) => events.push(event));
  let id = 0;
  const call = async (method: string, input: unknown = {}): Promise<ResultMessage> =>
    connection.handle({ type: 'call', id: ++id, method, input });
  const value = async <T = Record<string, unknown>>(method: string, input: unknown = {}): Promise<T> => {
    const result = await call(method, input);
    if (!result.ok) throw new Error(`${method}: ${result.error.code}`);
    return result.value as T;
  };
  return { connection, call, value, events };
}

function expectError(result: ResultMessage, code: string) {
  expect(result.ok, JSON.stringify(result)).toBe(false);
  if (!result.ok) expect(result.error.code).toBe(code);
}

async function signedIn() {
  const test = await bootTestCore();
  const first = open(test.core);
  await first.value('auth.createFirstInstaller', { username: 'admin', displayName: '运维', password: STRONG });
  await first.value('users.create', { username: 'clerk1', displayName: '张窗口', role: 'clerk', password: STRONG });
  await first.value('users.create', { username: 'clerk2', displayName: '李窗口', role: 'clerk', password: STRONG });
  await first.value('auth.logout');
  const tab = open(test.core);
  await tab.value('auth.login', { username: 'clerk1', password: STRONG });
  const { ticket } = await tab.value<{ ticket: string }>('auth.resumeTicket');
  return { ...test, tab, ticket };
}

type Resumed = { session: { user: { username: string } | null; locked: boolean }; ticket: string };

describe('resume tickets', () => {
  it('gives a reloaded tab its session back, once, and rotates the ticket', async () => {
    const { core, tab, ticket } = await signedIn();
    tab.connection.close(); // the reload closes the old socket first

    const reloaded = open(core);
    const resumed = await reloaded.value<Resumed>('auth.resume', { ticket });
    expect(resumed.session).toMatchObject({ user: { username: 'clerk1' }, locked: false });
    expect(resumed.ticket).not.toBe(ticket);
    expect(await reloaded.call('drafts.list')).toMatchObject({ ok: true });

    // Single use: the spent ticket is refused, the rotated one works.
    const replay = open(core);
    expectError(await replay.call('auth.resume', { ticket }), 'auth.resumeRefused');
    expect(await replay.value('auth.session')).toMatchObject({ user: null });
    reloaded.connection.close();
    expect((await open(core).value<Resumed>('auth.resume', { ticket: resumed.ticket })).session.user?.username).toBe(
      'clerk1',
    );
  });

  it('takes the session away from the connection that held it: one tab, one live session', async () => {
    const { core, tab, ticket } = await signedIn();
    const other = open(core);
    await other.value('auth.resume', { ticket });
    expect(await tab.value('auth.session')).toMatchObject({ user: null });
    expectError(await tab.call('drafts.list'), 'auth.required');
    expect(tab.events.filter((e) => e.name === 'session.changed').at(-1)?.payload).toMatchObject({ user: null });
    expect(await other.value('auth.session')).toMatchObject({ user: { username: 'clerk1' } });
  });

  it('issuing a new ticket voids the previous one', async () => {
    const { core, tab, ticket } = await signedIn();
    const { ticket: next } = await tab.value<{ ticket: string }>('auth.resumeTicket');
    expectError(await open(core).call('auth.resume', { ticket }), 'auth.resumeRefused');
    expect(await open(core).call('auth.resume', { ticket: next })).toMatchObject({ ok: true });
  });

  it('resumes a session idle past the idle limit locked, and refuses one idle past the resume limit', async () => {
    const { core, clock, tab, ticket } = await signedIn();
    tab.connection.close();
    clock.advance(core.config.security.idleLockMinutes * 60_000 + 1);
    const later = open(core);
    const resumed = await later.value<Resumed>('auth.resume', { ticket });
    expect(resumed.session).toMatchObject({ user: { username: 'clerk1' }, locked: true });
    expectError(await later.call('drafts.list'), 'auth.locked');
    expect(await later.value('auth.unlock', { password: STRONG })).toMatchObject({ locked: false });

    later.connection.close();
    clock.advance(RESUME_LIMIT_MS + 1);
    expectError(await open(core).call('auth.resume', { ticket: resumed.ticket }), 'auth.resumeRefused');
  });

  it('resumes a locked session locked', async () => {
    const { core, tab, ticket } = await signedIn();
    await tab.value('auth.lock');
    tab.connection.close();
    expect((await open(core).value<Resumed>('auth.resume', { ticket })).session.locked).toBe(true);
  });

  it('refuses a ticket on a connection signed in as another user, and after sign-out', async () => {
    const { core, tab, ticket } = await signedIn();
    const clerk2 = open(core);
    await clerk2.value('auth.login', { username: 'clerk2', password: STRONG });
    expectError(await clerk2.call('auth.resume', { ticket }), 'auth.resumeRefused');
    expect(await clerk2.value('auth.session')).toMatchObject({ user: { username: 'clerk2' } });
    expect(await tab.value('auth.session')).toMatchObject({ user: { username: 'clerk1' } });

    const { ticket: second } = await tab.value<{ ticket: string }>('auth.resumeTicket');
    await tab.value('auth.logout');
    expectError(await open(core).call('auth.resume', { ticket: second }), 'auth.resumeRefused');
  });

  it('refuses the ticket of an account disabled meanwhile', async () => {
    const { core, tab, ticket } = await signedIn();
    tab.connection.close();
    const admin = open(core);
    await admin.value('auth.login', { username: 'admin', password: STRONG });
    const users = await admin.value<{ users: { id: number; username: string }[] }>('users.list');
    await admin.value('users.update', { id: users.users.find((u) => u.username === 'clerk1')!.id, disabled: true });
    expectError(await open(core).call('auth.resume', { ticket }), 'auth.resumeRefused');
  });
});
