// 人证核验 in the applicant step of the wizard, on the fake core: without an applicant screen
// the face match says why it cannot run and the clerk compares by eye; a comparison by eye
// is recorded by the core and shown; a mismatch needs a reason.
import { screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { FakeCore } from './fake-core.ts';
import { completeSocialCard, SOCIAL_CARD } from './intake-fixtures.ts';
import { CLERK, renderApp, renderOn } from './render-app.tsx';

function clerkOf(core: FakeCore) {
  const user = core.byUsername(CLERK.username);
  if (!user) throw new Error('no clerk');
  return user;
}

async function openApplicantStep() {
  const user = userEvent.setup();
  const app = renderApp({ users: [CLERK], signedIn: CLERK.username });
  await screen.findByRole('button', { name: /新建收件/ });
  const draft = app.core.intake.seedDraft(clerkOf(app.core), SOCIAL_CARD, {
    ...completeSocialCard(),
    step: 'applicant',
  });
  app.unmount();
  window.sessionStorage.setItem('tongban.intake.openDraft', draft.id);
  const view = renderOn(app.core);
  const panel = await screen.findByRole('region', { name: '人证核验' });
  return { user, ...view, draft, panel };
}

describe('人证核验 in the applicant step', () => {
  it('says why a face match cannot run and records a comparison by eye', { timeout: 20_000 }, async () => {
    const { user, panel, core, draft } = await openApplicantStep();
    expect(within(panel).getByRole('status').textContent).toContain('尚未核验');
    const face = within(panel).getByRole('button', { name: '人脸比对' });
    expect((face as HTMLButtonElement).disabled).toBe(true);
    // A typed identity has no card photo: the reason given is that one.
    expect(document.getElementById(face.getAttribute('aria-describedby') ?? '')?.textContent).toMatch(
      /没有可用的证件照片/,
    );

    await user.click(within(panel).getByRole('button', { name: '人工核验' }));
    expect(within(panel).getByText(/证件照片无法用于比对/)).toBeTruthy();
    await user.click(within(panel).getByRole('button', { name: '记录核验结果' }));
    expect(within(panel).getByRole('alert').textContent).toContain('请选择您的判断');
    await user.click(within(panel).getByRole('radio', { name: '本人与证件不一致' }));
    await user.click(within(panel).getByRole('button', { name: '记录核验结果' }));
    expect(within(panel).getByRole('alert').textContent).toContain('请写明理由');
    await user.click(within(panel).getByRole('radio', { name: '本人与证件一致' }));
    await user.type(within(panel).getByRole('textbox'), '与身份证原件照片一致');
    await user.click(within(panel).getByRole('button', { name: '记录核验结果' }));

    expect((await within(panel).findByRole('status')).textContent).toContain('人工核验：本人与证件一致');
    const stored = core.intake.drafts.get(draft.id)?.state.identityCheck;
    expect(stored).toMatchObject({
      who: 'applicant',
      check: { method: 'visual', cause: 'noCardPhoto', verdict: 'match', reason: '与身份证原件照片一致' },
    });
  });
});
