// Real inputs for intake tests: valid identities (check digit computed, not
// hard-coded), small but genuine image and PDF files, and a connection helper.
import { expect } from 'vitest';
import type { ResultMessage } from '../../../src-main/api/wire.ts';
import type { Connection, HallCore } from '../../../src-main/core/hall-core.ts';

export { idNumber, pngBytes } from '../../fixtures/files.ts';
export { completeSocialCardPatch, SOCIAL_CARD, STRONG } from '../../fixtures/applications.ts';
import { completeSocialCardPatch, SOCIAL_CARD, STRONG } from '../../fixtures/applications.ts';
import { pngBytes } from '../../fixtures/files.ts';
import { addFileBytes } from '../../fixtures/uploads.ts';
import type { DraftView } from '../../../src-main/api/contract/index.ts';

/** Calls through the real dispatcher, as a transport would; unwraps or fails the test. */
export function client(connection: Connection) {
  let id = 0;
  const raw = (method: string, input: unknown = {}): Promise<ResultMessage> =>
    connection.handle({ type: 'call', id: ++id, method, input });
  // Tests name the result type they expect; unknown by default.
  const call = async <T = unknown>(method: string, input: unknown = {}): Promise<T> => {
    const result = await raw(method, input);
    expect(result, `${method}: ${JSON.stringify(result).slice(0, 400)}`).toMatchObject({ ok: true });
    return (result as { value: T }).value;
  };
  const fail = async (method: string, input: unknown = {}) => {
    const result = await raw(method, input);
    expect(result.ok, `${method} should fail`).toBe(false);
    return (result as Extract<ResultMessage, { ok: false }>).error;
  };
  return { call, fail, raw };
}

/** An installer and a signed-in clerk (or supervisor) on a fresh core. */
export async function clerkOn(core: HallCore, username = 'clerk01', role: 'clerk' | 'supervisor' = 'clerk') {
  const admin = client(core.openConnection(() => undefined));
  const setup = await admin.raw('auth.setupState');
  if ((setup as { value: { needsFirstInstaller: boolean } }).value.needsFirstInstaller) {
    await admin.call('auth.createFirstInstaller', { username: 'admin', displayName: '运维', password: STRONG });
  } else {
    await admin.call('auth.login', { username: 'admin', password: STRONG });
  }
  const users = await admin.call<{ users: Array<{ username: string }> }>('users.list');
  if (!users.users.some((u) => u.username === username)) {
    const displayName = role === 'clerk' ? '张窗口' : '刘督查';
    await admin.call('users.create', { username, displayName, role, password: STRONG });
  }
  const clerk = client(core.openConnection(() => undefined));
  await clerk.call('auth.login', { username, password: STRONG });
  return clerk;
}

/** A draft of 社会保障卡申领 complete for 收件 (its ID card and photo scanned), its applicant named `name`. */
export async function readyDraft(clerk: Awaited<ReturnType<typeof clerkOn>>, name = '李小梅'): Promise<string> {
  const draft = await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
  const patch = completeSocialCardPatch();
  patch.applicant.name = name;
  patch.answers.applicantName = name;
  await clerk.call('drafts.save', { id: draft.id, patch });
  await addFileBytes(clerk.call, {
    id: draft.id,
    materialId: 'applicant-id-card',
    name: '身份证.png',
    bytes: pngBytes(16, 10, 90),
  });
  await addFileBytes(clerk.call, { id: draft.id, materialId: 'photo', name: '照片.png', bytes: pngBytes(12, 14, 180) });
  return draft.id;
}
