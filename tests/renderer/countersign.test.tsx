// The review step's overrides beyond the clerk's say: a supervisor at the window
// countersigns from the keyboard (主管会签), 封装 waits for it; a finding that may never
// be set aside says so; a 补正 resubmission shows what the last notice asked for and
// whether it is supplied now.
import { screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createApiClient } from '../../src-renderer/api/client.ts';
import type { FakeCore } from './fake-core.ts';
import { APPLICANT_ID_TYPO, completeSocialCard, pngBytes, SOCIAL_CARD } from './intake-fixtures.ts';
import { CLERK, renderApp, renderOn, SUPERVISOR } from './render-app.tsx';

const PHOTO = 'material.missing:photo';
const REASON = '照片由社保经办机构现场采集，无须另交';

function clerkOf(core: FakeCore) {
  const user = core.byUsername(CLERK.username);
  if (!user) throw new Error('no clerk');
  return user;
}

/** A 社会保障卡申领 draft without the photo, its missing photo set aside, open at the review step. */
async function photoSetAside() {
  const user = userEvent.setup();
  const app = renderApp({ users: [CLERK, SUPERVISOR], signedIn: CLERK.username });
  await screen.findByRole('button', { name: /新建收件/ });
  const patch = completeSocialCard();
  const draft = app.core.intake.seedDraft(clerkOf(app.core), SOCIAL_CARD, {
    ...patch,
    overrides: [{ findingKey: PHOTO, reason: REASON }],
  });
  app.core.intake.seedFile(draft.id, 'applicant-id-card', '身份证.png', pngBytes(), 'image/png');
  app.unmount();
  window.sessionStorage.setItem('tongban.intake.openDraft', draft.id);
  const view = renderOn(app.core);
  await screen.findByRole('heading', { name: '形式审查', level: 3 });
  await user.click(screen.getByRole('button', { name: '开始审查' }));
  await screen.findByRole('heading', { name: '审查结论：收件' });
  return { user, ...view, draft };
}

const photoGroup = () => screen.getByRole('region', { name: '材料《近期免冠彩色证件照片》' });
const sealButton = () => screen.getByRole('button', { name: /^封装/ }) as HTMLButtonElement;

describe('主管会签 at the review step', () => {
  it('holds 封装 back until a supervisor countersigns from the keyboard, then shows who signed', async () => {
    const { user, core, draft } = await photoSetAside();
    expect(screen.getByText('有 1 项须由审核督查人员当场会签后才能封装。')).toBeTruthy();
    expect(sealButton().disabled).toBe(true);

    await user.click(within(photoGroup()).getByRole('button', { name: '主管会签' }));
    const dialog = within(photoGroup()).getByRole('dialog', { name: '审核督查人员会签' });
    const username = within(dialog).getByLabelText('督查人员用户名');
    expect(document.activeElement).toBe(username);
    await user.keyboard(SUPERVISOR.username);
    await user.tab();
    await user.keyboard(`${SUPERVISOR.password}{Enter}`);

    expect(await within(photoGroup()).findByText(/^已由审核督查人员 刘强（liuqiang）会签/)).toBeTruthy();
    expect(within(photoGroup()).queryByRole('dialog')).toBeNull();
    expect(screen.queryByText(/须由审核督查人员当场会签后才能封装/)).toBeNull();
    expect(sealButton().disabled).toBe(false);
    expect(core.intake.drafts.get(draft.id)!.state.countersigns).toEqual([
      expect.objectContaining({
        findingKey: PHOTO,
        reason: REASON,
        by: expect.objectContaining({ username: 'liuqiang' }),
      }),
    ]);
    // The clerk is still the one signed in.
    expect(core.sessionInfo().user?.username).toBe(CLERK.username);
  });

  it('says in Chinese why a countersign is refused, clears the password, and keeps the draft as it was', async () => {
    const { user, core, draft } = await photoSetAside();
    const before = structuredClone(core.intake.drafts.get(draft.id)!.state);
    await user.click(within(photoGroup()).getByRole('button', { name: '主管会签' }));
    const dialog = within(photoGroup()).getByRole('dialog');
    const password = within(dialog).getByLabelText('密码') as HTMLInputElement;

    await user.type(within(dialog).getByLabelText('督查人员用户名'), SUPERVISOR.username);
    await user.type(password, 'wrong-password{Enter}');
    expect(await within(dialog).findByText(/^用户名或密码错误/)).toBeTruthy();
    expect(password.value).toBe('');

    await user.clear(within(dialog).getByLabelText('督查人员用户名'));
    await user.type(within(dialog).getByLabelText('督查人员用户名'), CLERK.username);
    await user.type(password, `${CLERK.password}{Enter}`);
    expect(await within(dialog).findByText(/^不能由窗口人员本人会签/)).toBeTruthy();

    expect(core.intake.drafts.get(draft.id)!.state).toEqual(before);
    expect(sealButton().disabled).toBe(true);
    // Escape closes it, leaving the countersign to ask for.
    await user.keyboard('{Escape}');
    expect(within(photoGroup()).queryByRole('dialog')).toBeNull();
    expect(within(photoGroup()).getByRole('button', { name: '主管会签' })).toBeTruthy();
  });

  it('offers no override for what may never be set aside, and says so', async () => {
    const user = userEvent.setup();
    const app = renderApp({ users: [CLERK, SUPERVISOR], signedIn: CLERK.username });
    await screen.findByRole('button', { name: /新建收件/ });
    const patch = completeSocialCard();
    const draft = app.core.intake.seedDraft(clerkOf(app.core), SOCIAL_CARD, {
      ...patch,
      applicant: { name: '张伟', idNumber: APPLICANT_ID_TYPO, source: 'manual' },
    });
    app.unmount();
    window.sessionStorage.setItem('tongban.intake.openDraft', draft.id);
    renderOn(app.core);
    await screen.findByRole('heading', { name: '形式审查', level: 3 });
    await user.click(screen.getByRole('button', { name: '开始审查' }));
    await screen.findByRole('heading', { name: /^审查结论/ });
    const applicant = screen.getByRole('region', { name: '申请人身份' });
    expect(within(applicant).getByText(/^此项不得忽略/)).toBeTruthy();
    expect(within(applicant).queryByRole('button', { name: '忽略并说明理由' })).toBeNull();
  });
});

describe('a 补正 resubmission at the review step', () => {
  it('shows which items of the last notice are supplied, and flags what that notice missed for a supervisor', async () => {
    const user = userEvent.setup();
    const app = renderApp({ users: [CLERK, SUPERVISOR], signedIn: CLERK.username });
    await screen.findByRole('button', { name: /新建收件/ });
    const patch = completeSocialCard();
    const clerk = clerkOf(app.core);
    // Version 1: no photo (on the notice); the ID card's original not handed over, set aside and countersigned.
    const counts = { 'applicant-id-card': { original: 0, copy: 0, electronic: 1 } };
    const first = app.core.intake.seedDraft(clerk, SOCIAL_CARD, {
      ...patch,
      counts,
      overrides: [{ findingKey: 'material.count:applicant-id-card', reason: REASON }],
    });
    app.core.intake.seedFile(first.id, 'applicant-id-card', '身份证.png', pngBytes(), 'image/png');
    const api = createApiClient(app.core.transport);
    await api.call('drafts.countersign', {
      id: first.id,
      findingKey: 'material.count:applicant-id-card',
      username: SUPERVISOR.username,
      password: SUPERVISOR.password,
    });
    const v1 = await api.call('drafts.seal', { id: first.id });
    expect(v1.outcome).toBe('correction');
    const second = await api.call('drafts.supplement', { packetId: v1.packetId });
    await api.call('drafts.save', {
      id: second.id,
      patch: { step: 'review', counts: { photo: { original: 0, copy: 0, electronic: 1 } } },
    });
    app.core.intake.seedFile(second.id, 'photo', '照片.png', pngBytes(), 'image/png');

    app.unmount();
    window.sessionStorage.setItem('tongban.intake.openDraft', second.id);
    renderOn(app.core);
    await screen.findByRole('heading', { name: '形式审查', level: 3 });
    await user.click(screen.getByRole('button', { name: '开始审查' }));
    await screen.findByRole('heading', { name: /^审查结论/ });

    const items = screen.getByRole('region', { name: '第 1 版补正告知书所列事项的补正情况' });
    expect(within(items).getByText('已补正')).toBeTruthy();
    expect(within(items).getByText(/近期免冠彩色证件照片/)).toBeTruthy();
    const idCard = screen.getByRole('region', { name: '材料《申请人居民身份证》' });
    expect(within(idCard).getByText('告知遗漏')).toBeTruthy();
    expect(within(idCard).getByText(/^上次补正告知书未列此项/)).toBeTruthy();
    expect(within(idCard).getByRole('button', { name: '主管会签' })).toBeTruthy();
    expect(sealButton().disabled).toBe(true);
  });
});
