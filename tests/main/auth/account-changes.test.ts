// An installer disables an account or changes its role: every connection signed in as
// that account learns it at once (session.changed), not at its next call.
import { describe, expect, it } from 'vitest';
import type { EventMessage, ResultMessage } from '../../../src-main/api/wire.ts';
import { bootTestCore } from '../helpers.ts';

const STRONG = 'Counter#2026';

function connect(core: Awaited<ReturnType<typeof bootTestCore>>['core']) {
  const events: EventMessage[] = [];
  const connection = core.openConnection((event) => events.push(event));
  let id = 0;
  const call = (method: string, input: unknown = {}): Promise<ResultMessage> =>
    connection.handle({ type: 'call', id: ++id, method, input });
  const sessionEvents = () => events.filter((event) => event.name === 'session.changed').map((event) => event.payload);
  return { call, sessionEvents, close: () => connection.close() };
}

async function hallWithClerk() {
  const test = await bootTestCore();
  const installer = connect(test.core);
  expect(
    (await installer.call('auth.createFirstInstaller', { username: 'admin', displayName: '运维', password: STRONG })).ok,
  ).toBe(true);
  const created = await installer.call('users.create', {
    username: 'clerk1',
    displayName: '窗口一',
    role: 'clerk',
    password: STRONG,
  });
  if (!created.ok) throw new Error(JSON.stringify(created));
  const clerkId = (created.value as { id: number }).id;
  const clerk = connect(test.core);
  const otherTab = connect(test.core);
  for (const tab of [clerk, otherTab]) {
    expect((await tab.call('auth.login', { username: 'clerk1', password: STRONG })).ok).toBe(true);
  }
  return { ...test, installer, clerk, otherTab, clerkId };
}

describe('account changes reach signed-in connections', () => {
  it('signs out every connection of a disabled account at once', async () => {
    const { installer, clerk, otherTab, clerkId } = await hallWithClerk();
    expect((await installer.call('users.update', { id: clerkId, disabled: true })).ok).toBe(true);
    for (const tab of [clerk, otherTab]) {
      expect(tab.sessionEvents()).toEqual([expect.objectContaining({ user: null })]);
      expect(await tab.call('drafts.list')).toMatchObject({ ok: false, error: { code: 'auth.required' } });
    }
    // The installer's own session is not touched.
    expect(installer.sessionEvents()).toEqual([]);
  });

  it('tells the connections of an account its new role', async () => {
    const { installer, clerk, clerkId } = await hallWithClerk();
    expect((await installer.call('users.update', { id: clerkId, role: 'supervisor' })).ok).toBe(true);
    expect(clerk.sessionEvents()).toEqual([
      expect.objectContaining({ user: expect.objectContaining({ username: 'clerk1', role: 'supervisor' }) }),
    ]);
  });

  it('says nothing when only the display name changes', async () => {
    const { installer, clerk, clerkId } = await hallWithClerk();
    expect((await installer.call('users.update', { id: clerkId, displayName: '窗口二' })).ok).toBe(true);
    expect(clerk.sessionEvents()).toEqual([]);
  });
});
