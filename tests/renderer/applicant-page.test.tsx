// The applicant's page (/applicant) and the clerk's panel against the fake core's applicant
// side (fake-applicant.ts), through the real dispatcher and MessagePack: pairing on the
// keypad (touch and keyboard), each stage in large type, the answers the page sends, and
// what the clerk's panel shows of them. The pairing's HTTP leg is tested on a real host
// (tests/main/host/applicant-pairing.test.ts); here the connector's request is checked.
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createApiClient } from '../../src-renderer/api/client.ts';
import { ApiProvider } from '../../src-renderer/app/api-context.tsx';
import { ApplicantApp } from '../../src-renderer/screens/applicant/ApplicantApp.tsx';
import { ApplicantScreenPanel } from '../../src-renderer/screens/applicant/ApplicantScreenPanel.tsx';
import {
  APPLICANT_TICKET_KEY,
  APPLICANT_TOKEN_KEY,
  type ApplicantConnector,
  applicantConnector,
} from '../../src-renderer/screens/applicant/applicant-connection.ts';
import { isApplicantPath } from '../../src-renderer/screens/applicant/applicant-route.ts';
import { FakeCore } from './fake-core.ts';
import { SAMPLE_VIEW } from './fake-applicant.ts';
import { CLERK } from './render-app.tsx';

const CODE = '482913';

/** A connector whose pairing takes CODE and attaches the fake core's connection as the applicant's. */
function fakeConnector(core: FakeCore): ApplicantConnector {
  return {
    resume: () => Promise.resolve(null),
    pair: async (code) => {
      if (code !== CODE) return { ok: false, problem: 'wrong' };
      const client = createApiClient(core.transport);
      await client.call('applicant.attach', { ticket: core.applicant.validTicket });
      return { ok: true, session: { client, close: () => {} } };
    },
  };
}

async function pairedPage(core = new FakeCore()) {
  const user = userEvent.setup();
  render(<ApplicantApp connector={fakeConnector(core)} />);
  await screen.findByRole('heading', { name: '申请人屏幕' });
  await user.keyboard(CODE);
  await screen.findByRole('heading', { name: '欢迎办理' });
  return { core, user };
}

describe('the applicant page’s pairing', () => {
  it('is served at /applicant only', () => {
    expect(isApplicantPath('/applicant')).toBe(true);
    expect(isApplicantPath('/applicant/')).toBe(true);
    expect(isApplicantPath('/')).toBe(false);
    expect(isApplicantPath('/applicants')).toBe(false);
  });

  it('takes the code from large keys and from the keyboard, says why a wrong one failed and clears it', async () => {
    const user = userEvent.setup();
    render(<ApplicantApp connector={fakeConnector(new FakeCore())} />);
    await screen.findByText('请输入窗口屏幕上显示的 6 位配对码');
    expect(screen.getAllByRole('button').map((b) => b.textContent)).toEqual([
      ...'123456789'.split(''),
      '清除',
      '0',
      '退格',
    ]);
    await user.click(screen.getByRole('button', { name: '数字 1' }));
    await user.keyboard('2{Backspace}');
    await user.keyboard('11111');
    expect((await screen.findByRole('alert')).textContent).toContain('配对码不正确');
    expect(screen.getByRole('status', { name: '请输入窗口屏幕上显示的 6 位配对码' }).textContent).toBe('');
    for (const digit of CODE) await user.click(screen.getByRole('button', { name: `数字 ${digit}` }));
    expect(await screen.findByRole('heading', { name: '欢迎办理' })).toBeTruthy();
    expect(screen.getByText(/跨省通办 3 号窗口/)).toBeTruthy();
  });

  it('POSTs the code as { pairing } and keeps the token and ticket for a reload; refusals keep nothing', async () => {
    const storage = window.sessionStorage;
    const sent: unknown[] = [];
    const answers = [
      { status: 410, body: { refused: 'voided' } },
      { status: 200, body: { token: 'host-token', ticket: 'applicant-ticket-0000000001' } },
    ];
    const connector = applicantConnector({
      storage,
      where: { hash: '', pathname: '/applicant', search: '', protocol: 'http:', host: '127.0.0.1:9' },
      fetchImpl: async (url, init) => {
        sent.push({ url, body: JSON.parse(String(init.body)) });
        const answer = answers.shift()!;
        return { status: answer.status, json: async () => answer.body };
      },
    });
    expect(await connector.resume(() => {})).toBeNull();
    expect(await connector.pair('000000', () => {})).toEqual({ ok: false, problem: 'voided' });
    expect(storage.getItem(APPLICANT_TOKEN_KEY)).toBeNull();
    const paired = await connector.pair(CODE, () => {});
    expect(paired.ok).toBe(true);
    if (paired.ok) paired.session.close();
    expect(sent).toEqual([
      { url: '/api/session', body: { pairing: '000000' } },
      { url: '/api/session', body: { pairing: CODE } },
    ]);
    expect(storage.getItem(APPLICANT_TOKEN_KEY)).toBe('host-token');
    expect(storage.getItem(APPLICANT_TICKET_KEY)).toBe('applicant-ticket-0000000001');
  });
});

describe('the applicant page’s stages', () => {
  it('shows what to check in large type and sends 确认无误 with the hash of that very view', async () => {
    const { core, user } = await pairedPage();
    act(() => core.applicant.showConfirmation());
    await screen.findByRole('heading', { name: '请核对以下信息' });
    expect(screen.getByText('110101********0022')).toBeTruthy();
    expect(screen.getByText(SAMPLE_VIEW.item.name)).toBeTruthy();
    expect(screen.getByText('13800138000')).toBeTruthy();
    expect(screen.getByText(/居民身份证：原件 1 份，复印件 1 份，电子件 0 份，拍摄 2 页/)).toBeTruthy();
    expect(screen.getByText(/收件 · 期限：2026-03-20/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: '确认无误' }));
    await screen.findByRole('heading', { name: '欢迎办理' });
    const shown = core.applicant.answers.at(-1) as { confirmed: string };
    expect(shown.confirmed).toMatch(/^[0-9a-f]{64}$/);
  });

  it('asks for a correction with an optional note, and lets the applicant go back to checking', async () => {
    const { core, user } = await pairedPage();
    act(() => core.applicant.showConfirmation());
    await user.click(await screen.findByRole('button', { name: '需要更正' }));
    await user.click(screen.getByRole('button', { name: '返回核对' }));
    await user.click(screen.getByRole('button', { name: '需要更正' }));
    await user.type(screen.getByLabelText('请简要说明需要更正的内容（可不填）'), '电话号码有误');
    await user.click(screen.getByRole('button', { name: '提交更正要求' }));
    await screen.findByRole('heading', { name: '欢迎办理' });
    expect(core.applicant.answers.at(-1)).toEqual({ correction: '电话号码有误' });
  });

  it('asks for face consent with purpose, what is kept and for how long; refusing is as easy as agreeing', async () => {
    const { core, user } = await pairedPage();
    act(() =>
      core.applicant.show({
        stage: 'consent',
        hallName: 'h',
        windowName: 'w',
        notice: { noticeVersion: '2026-12-1', retentionDays: 30 },
      }),
    );
    await screen.findByRole('heading', { name: '人脸识别单独同意' });
    expect(screen.getByText('保存期限：30 天，期满自动删除。')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: '不同意' }));
    await screen.findByRole('heading', { name: '欢迎办理' });
    expect(core.applicant.answers).toEqual([{ consent: false }]);
  });

  it('shows the mount points of the signature pad and the rating form, and says when they are absent', async () => {
    const core = new FakeCore();
    const user = userEvent.setup();
    render(
      <ApplicantApp
        connector={fakeConnector(core)}
        slots={{ rating: ({ packetId }) => <p>rating form for {packetId}</p> }}
      />,
    );
    await screen.findByRole('heading', { name: '申请人屏幕' });
    await user.keyboard(CODE);
    await screen.findByRole('heading', { name: '欢迎办理' });
    act(() =>
      core.applicant.show({ stage: 'signature', hallName: 'h', windowName: 'w', draftId: SAMPLE_VIEW.draftId }),
    );
    expect(await screen.findByText('签名板由窗口另行接入')).toBeTruthy();
    act(() => core.applicant.show({ stage: 'rating', hallName: 'h', windowName: 'w', packetId: 'P-1' }));
    expect(await screen.findByText('rating form for P-1')).toBeTruthy();
  });

  it('tells the applicant while a 视频会商 call is on that it is recorded, sound and picture', async () => {
    const { core } = await pairedPage();
    act(() =>
      core.applicant.show({
        stage: 'call',
        hallName: 'h',
        windowName: 'w',
        draftId: SAMPLE_VIEW.draftId,
        departmentName: '北京市西城区人力资源和社会保障局',
      }),
    );
    await screen.findByRole('heading', { name: '正在与北京市西城区人力资源和社会保障局视频会商' });
    expect(screen.getByText('本次会商全程录音录像，用于办件留存。')).toBeTruthy();
  });

  it('refuses a confirm of a view the core no longer shows, and says so in Chinese', async () => {
    const { core, user } = await pairedPage();
    act(() => core.applicant.showConfirmation());
    await screen.findByRole('button', { name: '确认无误' });
    // The clerk changed the draft: the core shows another view, but this page has not heard yet.
    core.applicant.screen = { ...core.applicant.screen, viewHash: 'f'.repeat(64) } as typeof core.applicant.screen;
    await user.click(screen.getByRole('button', { name: '确认无误' }));
    expect((await screen.findByRole('alert')).textContent).toContain('窗口人员刚修改了内容');
  });
});

describe('the clerk’s applicant screen panel', () => {
  function renderPanel() {
    const core = new FakeCore({ users: [CLERK], signedIn: CLERK.username });
    render(
      <ApiProvider client={createApiClient(core.transport)}>
        <ApplicantScreenPanel draftId={SAMPLE_VIEW.draftId} />
      </ApiProvider>,
    );
    return { core, user: userEvent.setup() };
  }

  it('shows a pairing code for the browser page until a screen pairs, then the buttons', async () => {
    const { core, user } = renderPanel();
    const panel = within(await screen.findByRole('region', { name: '申请人屏幕' }));
    expect(panel.getByText('申请人屏幕未连接')).toBeTruthy();
    await user.click(await panel.findByRole('button', { name: '生成配对码' }));
    expect(await panel.findByText(CODE)).toBeTruthy();
    act(() => core.emit('applicant.changed', { ...core.applicant.status, paired: true, confirmationRequired: true }));
    await panel.findByText('申请人屏幕已连接');
    expect(panel.queryByText(CODE)).toBeNull();
    expect(panel.getByText('封装前须由申请人确认（或记录无法确认的原因）')).toBeTruthy();
    await user.click(panel.getByRole('button', { name: '请申请人确认' }));
    await waitFor(() => expect(core.calls.some((c) => c.method === 'applicant.showForConfirmation')).toBe(true));
  });

  it('shows the applicant’s correction with its note, a lost screen, and records a waiver with its reason', async () => {
    const { core, user } = renderPanel();
    const panel = within(await screen.findByRole('region', { name: '申请人屏幕' }));
    act(() =>
      core.emit('applicant.changed', {
        ...core.applicant.status,
        paired: false,
        lost: true,
        stage: 'confirm',
        subject: SAMPLE_VIEW.draftId,
        answer: { kind: 'correctionRequested', draftId: SAMPLE_VIEW.draftId, note: '电话号码有误', at: 1 },
      }),
    );
    expect(await panel.findByText('申请人要求更正：电话号码有误')).toBeTruthy();
    expect(panel.getByText(/申请人屏幕已断开/)).toBeTruthy();
    await user.click(panel.getByRole('button', { name: '记录无法确认的原因' }));
    const submit = panel.getByRole('button', { name: '记录原因' });
    expect((submit as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(panel.getByLabelText('无法确认的原因'), { target: { value: '屏幕故障，已当面读给申请人听' } });
    await user.click(submit);
    await waitFor(() => expect(core.applicant.answers).toEqual([{ waived: '屏幕故障，已当面读给申请人听' }]));
  });
});
