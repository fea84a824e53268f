// The clerk's 视频会商 screens against the in-memory core (WebRTC and the cameras played):
// the panel from the intake wizard (button and Alt+V) through waiting, withdrawal, the
// call with its videos, 发送画面, quality and a cut, to its end; every control reached by
// keyboard; Escape going back to the work without hanging up; the incoming call's dialog
// answering into the open draft, or declined; and the call button of a packet.
import { act, render, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../../src-renderer/api/client.ts';
import { ApiProvider } from '../../src-renderer/app/api-context.tsx';
import { CallsProvider, useCalls } from '../../src-renderer/screens/calls/calls-context.tsx';
import { FakeCore } from './fake-core.ts';
import { APPROVER } from './fake-calls.ts';
import { fakeController, fakeMedia, installMediaStream } from './fake-media.ts';
import { completeSocialCard, SOCIAL_CARD } from './intake-fixtures.ts';
import { CLERK, renderOn } from './render-app.tsx';

beforeAll(installMediaStream);

function setUp(options: { approversOnline?: number; media?: Parameters<typeof fakeMedia>[0] } = {}) {
  const core = new FakeCore({
    users: [CLERK],
    signedIn: CLERK.username,
    calls: { approversOnline: options.approversOnline ?? 2 },
  });
  const clerk = core.byUsername(CLERK.username)!;
  const draft = core.intake.seedDraft(clerk, SOCIAL_CARD, completeSocialCard());
  const api = createApiClient(core.transport);
  const media = fakeMedia(options.media);
  const { controller, peers } = fakeController(api, media);
  return { core, draft, api, controller, peers, media };
}

/** A page with the call provider and a button that opens the panel about the draft, as the wizard's does. */
function renderPanel(setup: ReturnType<typeof setUp>) {
  function Opener() {
    const calls = useCalls()!;
    return (
      <main>
        <h2 tabIndex={-1}>收件</h2>
        <button
          type="button"
          onClick={() => calls.open({ kind: 'draft', draftId: setup.draft.id, itemName: setup.draft.itemName })}
        >
          视频会商
        </button>
        <input aria-label="申请人姓名" />
      </main>
    );
  }
  render(
    <ApiProvider client={setup.api}>
      <CallsProvider controller={setup.controller}>
        <Opener />
      </CallsProvider>
    </ApiProvider>,
  );
}

const panel = () => screen.getByRole('complementary', { name: '视频会商' });

describe('the call panel', () => {
  it('places a call, says who is online, and withdraws it while it waits', async () => {
    const setup = setUp({ approversOnline: 0 });
    renderPanel(setup);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: '视频会商' }));
    // The focus lands in the panel: the reason first, then 发起会商.
    expect(document.activeElement).toBe(within(panel()).getByRole('textbox', { name: '会商事由（可选）' }));
    await user.keyboard('外省证明格式');
    await user.tab();
    expect(document.activeElement).toBe(within(panel()).getByRole('button', { name: '发起会商' }));
    await user.keyboard('{Enter}');
    expect(await within(panel()).findByText('正在等待审批人接听…')).toBeTruthy();
    expect(within(panel()).getByText(/当前没有审批人在线，请求将保留 10 分钟，可随时撤回/)).toBeTruthy();
    expect(setup.core.consult.last()!.call.subject.note).toBe('外省证明格式');
    expect(panel().querySelector('video[data-call="local"]')).not.toBeNull();

    await user.click(within(panel()).getByRole('button', { name: '撤回请求' }));
    expect(await within(panel()).findByText('已撤回会商请求。')).toBeTruthy();
    expect(setup.core.consult.ended).toEqual([{ callId: setup.core.consult.last()!.call.callId, reason: 'withdrawn' }]);
    expect(setup.media.stopped).toBe(true);
  });

  it('in the call: remote and local video, 发送画面, quality, a cut, 挂断', async () => {
    const setup = setUp();
    renderPanel(setup);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: '视频会商' }));
    await user.click(within(panel()).getByRole('button', { name: '发起会商' }));
    expect(await within(panel()).findByText(/审批部门当前有 2 位审批人在线/)).toBeTruthy();
    const callId = setup.core.consult.last()!.call.callId;
    act(() => setup.core.consult.answerAsApprover(callId));
    await waitFor(() => expect(setup.peers[0]?.slots.get('second')).toBeNull());
    act(() => setup.peers[0]!.state('connected'));
    expect(await within(panel()).findByText(`正在与 ${APPROVER.name} 视频会商`)).toBeTruthy();
    expect(panel().querySelector('video[data-call="remote"]')).not.toBeNull();
    expect(panel().querySelector('video[data-call="local"]')).not.toBeNull();
    expect(within(panel()).getByRole('status', { name: '通话质量：好' })).toBeTruthy();

    const sources = within(panel()).getByRole('radiogroup', { name: '发送画面' });
    const counter = within(sources).getByRole('radio', { name: '柜台摄像头' });
    expect((counter as HTMLInputElement).checked).toBe(true);
    // (Arrow keys within a radio group need CSS.escape, which jsdom lacks; the browser's own radios do it.)
    await user.click(within(sources).getByRole('radio', { name: '高拍仪' }));
    expect((within(sources).getByRole('radio', { name: '高拍仪' }) as HTMLInputElement).checked).toBe(true);
    await waitFor(() => expect(setup.peers[0]!.slots.get('video')).toBe(setup.media.document));
    await user.click(within(sources).getByRole('radio', { name: '两路同时' }));
    await waitFor(() => expect(setup.peers[0]!.slots.get('second')).toBe(setup.media.document));

    act(() =>
      setup.peers[0]!.options.onQuality?.(
        'poor',
        { quality: 'poor', videoBps: 0, roomy: 0 },
        { rttMs: 900, loss: 0.2, availableBps: 80_000 },
      ),
    );
    expect(within(panel()).getByRole('status', { name: '通话质量：差' })).toBeTruthy();
    act(() => setup.peers[0]!.state('interrupted'));
    expect(within(panel()).getByRole('alert').textContent).toContain('连接中断，正在重连…');
    act(() => {
      setup.peers[0]!.options.onRestored?.(Date.now() - 3000, Date.now());
      setup.peers[0]!.state('connected');
    });
    expect(within(panel()).getByText('连接已恢复。')).toBeTruthy();

    await user.click(within(panel()).getByRole('button', { name: '挂断' }));
    expect(await within(panel()).findByText('您已挂断，会商结束。')).toBeTruthy();
    expect(setup.core.consult.ended.at(-1)?.reason).toBe('hangup');
    expect(setup.peers[0]!.closed).toBe(true);
  });

  it('Escape goes back to the work and says how to end the call; it never hangs up', async () => {
    const setup = setUp();
    renderPanel(setup);
    const user = userEvent.setup();
    const opener = screen.getByRole('button', { name: '视频会商' });
    await user.click(opener);
    await user.click(within(panel()).getByRole('button', { name: '发起会商' }));
    act(() => setup.core.consult.answerAsApprover(setup.core.consult.last()!.call.callId));
    await waitFor(() => expect(setup.peers).toHaveLength(1));
    act(() => setup.peers[0]!.state('connected'));
    within(panel()).getByRole('button', { name: '挂断' }).focus();
    await user.keyboard('{Escape}');
    expect(document.activeElement).toBe(opener);
    expect(within(panel()).getByText(/通话继续；结束通话请按“挂断”/)).toBeTruthy();
    expect(setup.core.consult.ended).toEqual([]);
    expect(setup.core.methodsCalled()).not.toContain('calls.end');
    expect(setup.controller.snapshot.phase).toBe('active');
  });

  it('every control of the call is reachable with Tab', async () => {
    const setup = setUp();
    renderPanel(setup);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: '视频会商' }));
    await user.click(within(panel()).getByRole('button', { name: '发起会商' }));
    act(() => setup.core.consult.answerAsApprover(setup.core.consult.last()!.call.callId));
    await waitFor(() => expect(setup.peers).toHaveLength(1));
    act(() => setup.peers[0]!.state('connected'));
    within(panel()).getByRole('button', { name: '收起' }).focus();
    const reached = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const active = document.activeElement as HTMLElement;
      reached.add(active.getAttribute('aria-label') ?? active.textContent ?? '');
      if ((active as HTMLInputElement).type === 'radio') reached.add('发送画面');
      await user.tab();
    }
    expect(reached).toContain('收起');
    expect(reached).toContain('发送画面');
    expect(reached).toContain('挂断');
  });

  it('tells the clerk when there is no camera (audio only), and the call is placed all the same', async () => {
    const setup = setUp({ media: { counter: false, document: false } });
    renderPanel(setup);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: '视频会商' }));
    await user.click(within(panel()).getByRole('button', { name: '发起会商' }));
    expect(await within(panel()).findByText(/没有可用的摄像头，本次会商仅有声音/)).toBeTruthy();
    expect(await within(panel()).findByText('正在等待审批人接听…')).toBeTruthy();
    expect(within(panel()).queryByRole('radiogroup', { name: '发送画面' })).toBeNull();
  });

  it('says when the approver declined or the request expired, and that the draft is kept', async () => {
    const setup = setUp();
    renderPanel(setup);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: '视频会商' }));
    await user.click(within(panel()).getByRole('button', { name: '发起会商' }));
    await within(panel()).findByText('正在等待审批人接听…');
    act(() => setup.core.consult.endByApprover(setup.core.consult.last()!.call.callId, 'expired'));
    expect(await within(panel()).findByText(/10 分钟内没有审批人接听，会商请求已过期/)).toBeTruthy();
    expect(within(panel()).getByText('草稿和录像均已保存。')).toBeTruthy();
    await user.click(within(panel()).getByRole('button', { name: '关闭' }));
    expect(screen.queryByRole('complementary', { name: '视频会商' })).toBeNull();
  });
});

describe('an incoming call', () => {
  it('rings in a dialog and, answered, runs the call in the panel', async () => {
    const setup = setUp();
    renderPanel(setup);
    const user = userEvent.setup();
    act(
      () =>
        void setup.core.consult.placeByApprover({ packetId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', note: '核对原件' }),
    );
    const dialog = await screen.findByRole('dialog', { name: '视频会商来电' });
    expect(dialog.textContent).toContain(`${APPROVER.name}（演示审批局）请求视频会商`);
    expect(dialog.textContent).toContain('事由：核对原件');
    expect(dialog.textContent).toContain('当前没有正在办理的收件，接听后将记入该收件包的办件记录。');
    await user.click(within(dialog).getByRole('button', { name: '接听' }));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: '视频会商来电' })).toBeNull());
    expect(panel()).toBeTruthy();
    await waitFor(() => expect(setup.peers).toHaveLength(1));
    const answer = setup.core.calls.find((c) => c.method === 'calls.answer')!.input as { draftId?: string };
    expect(answer.draftId).toBeUndefined();
  });

  it('can be declined', async () => {
    const setup = setUp();
    renderPanel(setup);
    const user = userEvent.setup();
    let callId = '';
    act(
      () =>
        void (callId = setup.core.consult.placeByApprover({ packetId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b' }).call
          .callId),
    );
    const dialog = await screen.findByRole('dialog', { name: '视频会商来电' });
    await user.click(within(dialog).getByRole('button', { name: '拒绝' }));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: '视频会商来电' })).toBeNull());
    expect(setup.core.consult.ended).toEqual([{ callId, reason: 'declined' }]);
  });
});

describe('the intake wizard', () => {
  it('opens the call panel about its draft with 视频会商 and Alt+V, and answers into the open draft', async () => {
    const core = new FakeCore({ users: [CLERK], signedIn: CLERK.username });
    const clerk = core.byUsername(CLERK.username)!;
    const draft = core.intake.seedDraft(clerk, SOCIAL_CARD, completeSocialCard());
    window.sessionStorage.setItem('tongban.intake.openDraft', draft.id);
    const user = userEvent.setup();
    renderOn(core);
    await screen.findByRole('heading', { name: '形式审查', level: 3 });
    const button = screen.getByRole('button', { name: '视频会商' });
    expect(button.getAttribute('aria-keyshortcuts')).toBe('Alt+V');
    await user.keyboard('{Alt>}v{/Alt}');
    const callPanel = await screen.findByRole('complementary', { name: '视频会商' });
    expect(within(callPanel).getByText(`本次收件：${draft.itemName}`)).toBeTruthy();
    await user.click(within(callPanel).getByRole('button', { name: '关闭' }));

    // An approver's call while the draft is open is recorded in it.
    act(() => void core.consult.placeByApprover({ packetId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b' }));
    const dialog = await screen.findByRole('dialog', { name: '视频会商来电' });
    expect(dialog.textContent).toContain('接听后将记入当前正在办理的收件。');
    await user.click(within(dialog).getByRole('button', { name: '接听' }));
    await waitFor(() => expect(core.methodsCalled()).toContain('calls.answer'));
    const answer = core.calls.find((c) => c.method === 'calls.answer')!.input as { draftId?: string };
    expect(answer.draftId).toBe(draft.id);
  });
});
