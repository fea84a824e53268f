// The clerk's review step shows the applicant's signature: a thumbnail of the image given on
// the applicant screen (drafts.signature), or that the applicant signs the printed receipt
// and why, or that nothing is given yet and the receipt's line stays blank.
import { screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { FakeCore } from './fake-core.ts';
import { completeSocialCard, pngBytes, SOCIAL_CARD } from './intake-fixtures.ts';
import { CLERK, renderApp, renderOn } from './render-app.tsx';
import { pngBytes as signaturePng } from '../fixtures/files.ts';

let panelCore: FakeCore | undefined;

async function reviewWith(give: (core: FakeCore, draftId: string) => void) {
  const app = renderApp({ users: [CLERK], signedIn: CLERK.username });
  await screen.findByRole('button', { name: /新建收件/ });
  const clerk = app.core.byUsername(CLERK.username)!;
  const draft = app.core.intake.seedDraft(clerk, SOCIAL_CARD, completeSocialCard());
  app.core.intake.seedFile(draft.id, 'applicant-id-card', '身份证.png', pngBytes(), 'image/png');
  give(app.core, draft.id);
  panelCore = app.core;
  app.unmount();
  window.sessionStorage.setItem('tongban.intake.openDraft', draft.id);
  renderOn(app.core);
  await screen.findByRole('heading', { name: '形式审查', level: 3 });
  return screen.getByRole('region', { name: '申请人签名' });
}

describe('the applicant’s signature in the review step', () => {
  it('shows the image the applicant signed, with when', async () => {
    const panel = await reviewWith((core, id) => core.intake.giveSignature(id, signaturePng(120, 40, 20)));
    const image = await within(panel).findByRole('img', { name: '申请人签名图像' });
    expect(image.getAttribute('src')).toMatch(/^blob:/);
    expect(panel.textContent).toMatch(/申请人已于 .+ 在屏幕上签名/);
  });

  it('says the applicant signs on paper, and why', async () => {
    const panel = await reviewWith((core, id) => {
      const draft = core.intake.drafts.get(id)!;
      draft.state = { ...draft.state, signature: { onPaper: true, reason: '未连接申请人屏幕', at: Date.now() } };
    });
    expect(panel.textContent).toContain('申请人将在打印的凭证上手写签名（未连接申请人屏幕）');
    expect(within(panel).queryByRole('img')).toBeNull();
  });

  it('records that the applicant signs on paper, with the clerk’s reason, when the screen cannot be used', async () => {
    const user = userEvent.setup();
    let draftId = '';
    const panel = await reviewWith((_core, id) => {
      draftId = id;
    });
    await user.click(within(panel).getByRole('button', { name: '改为在纸上签名' }));
    const save = within(panel).getByRole('button', { name: '记录并改为纸上签名' });
    expect((save as HTMLButtonElement).disabled).toBe(true); // a reason first
    await user.type(within(panel).getByLabelText('无法在屏幕上签名的原因'), '申请人屏幕未连接');
    await user.click(save);
    expect(await within(panel).findByText('申请人将在打印的凭证上手写签名（申请人屏幕未连接）')).toBeTruthy();
    expect(within(panel).queryByRole('button', { name: '改为在纸上签名' })).toBeNull();
    expect(panelCore!.intake.drafts.get(draftId)!.state.signature).toMatchObject({ onPaper: true });
  });

  it('says nothing is signed yet and the receipt’s line stays blank', async () => {
    const panel = await reviewWith(() => {});
    expect(panel.textContent).toContain('申请人尚未签名');
  });
});
