// 打印 beside every document: the queue's rows (the window's documents and the
// department's), the opened document and the sealed view all print the stored PDF through
// one hidden frame, from the keyboard as well.
import { act, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeCore } from './fake-core.ts';
import { completeSocialCard, pngBytes, SOCIAL_CARD } from './intake-fixtures.ts';
import { CLERK, INSTALLER, renderOn } from './render-app.tsx';

afterEach(() => {
  vi.restoreAllMocks();
  // The print frame outlives the screen that printed (as in the app); each test starts without.
  for (const frame of document.querySelectorAll('iframe.print-frame')) frame.remove();
});

function sealed(name = '张伟') {
  const core = new FakeCore({ users: [INSTALLER, CLERK], signedIn: CLERK.username });
  const clerk = core.byUsername(CLERK.username)!;
  const patch = completeSocialCard();
  patch.applicant = { ...patch.applicant!, name };
  patch.answers = { ...patch.answers, applicantName: name };
  const draft = core.intake.seedDraft(clerk, SOCIAL_CARD, patch);
  core.intake.seedFile(draft.id, 'applicant-id-card', '身份证.png', pngBytes(), 'image/png');
  core.intake.seedFile(draft.id, 'photo', '照片.png', pngBytes(), 'image/png');
  return { core, packet: core.intake.sealDraft(clerk, draft.id) };
}

/** Watches the print frame's window: what print() it gets called on. */
function watchPrinting() {
  const print = vi.fn();
  vi.spyOn(HTMLIFrameElement.prototype, 'contentWindow', 'get').mockReturnValue({ print } as unknown as Window);
  return print;
}

/** The hidden frame loads the PDF, then prints it (jsdom loads no PDF: the test says it has loaded). */
async function printed(print: ReturnType<typeof vi.fn>) {
  const frame = await waitFor(() => {
    const found = document.querySelector<HTMLIFrameElement>('iframe.print-frame');
    expect(found).not.toBeNull();
    return found!;
  });
  if (print.mock.calls.length === 0) act(() => void frame.dispatchEvent(new Event('load')));
  expect(print).toHaveBeenCalledTimes(1);
  expect(frame.getAttribute('aria-hidden')).toBe('true');
  expect(frame.src).toMatch(/^blob:/);
  return frame;
}

describe('printing documents', () => {
  it('prints the receipt from its queue row with the keyboard, one hidden frame at a time', async () => {
    const { core, packet } = sealed();
    const print = watchPrinting();
    const user = userEvent.setup();
    renderOn(core);
    const table = await screen.findByRole('table', { name: '今日已封装' });
    const row = within(table).getByRole('cell', { name: '张伟' }).closest('tr')!;

    const button = within(row).getByRole('button', { name: '打印《申请材料接收凭证》' });
    expect(button.textContent).toBe('打印');
    button.focus();
    await user.keyboard('{Enter}');
    const frame = await printed(print);
    expect(core.methodsCalled()).toContain('documents.get');
    expect(frame.dataset.printFrame).toContain(packet.documents[0]!.number);

    // Again: the old frame goes, the new one prints.
    print.mockClear();
    await user.keyboard('{Enter}');
    await waitFor(() => expect(document.querySelectorAll('iframe.print-frame')).toHaveLength(1));
    await printed(print);
    expect(document.activeElement).toBe(button);
  });

  it('prints a department’s document from the row, rendered on request', async () => {
    const { core, packet } = sealed();
    core.sync.drain();
    core.sync.decide(packet.packetId, 1, { state: 'accepted', decidedBy: '赵审批' });
    const print = watchPrinting();
    renderOn(core);
    const table = await screen.findByRole('table', { name: '今日已封装' });
    const row = within(table).getByRole('cell', { name: '张伟' }).closest('tr')!;
    await userEvent.setup().click(within(row).getByRole('button', { name: '打印《受理通知书》' }));
    await printed(print);
    expect(core.methodsCalled()).toContain('documents.department');
  });

  it('offers 打印 beside 预览 and 下载 of an opened document', async () => {
    const { core } = sealed();
    const print = watchPrinting();
    const user = userEvent.setup();
    renderOn(core);
    const table = await screen.findByRole('table', { name: '今日已封装' });
    await user.click(within(table).getByRole('button', { name: '查看《申请材料接收凭证》' }));
    const shown = (await screen.findByRole('link', { name: '下载《申请材料接收凭证》' })).closest('li')!;
    const actions = within(shown)
      .getAllByRole('button')
      .map((b) => b.getAttribute('aria-label'));
    expect(actions).toEqual(['关闭预览《申请材料接收凭证》', '打印《申请材料接收凭证》']);
    await user.click(within(shown).getByRole('button', { name: '打印《申请材料接收凭证》' }));
    await printed(print);
  });
});
