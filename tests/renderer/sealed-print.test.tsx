// The sealed view's receipt line: where the window has a thermal receipt printer, the
// slip the seal issued is followed live — printing, printed (and 补打), or not printed with
// the printer's reason from the error catalog and 重新打印. Nothing where there is no printer.
import { act, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { hallTime } from '../../src-main/common/hall-time.ts';
import { FakeCore, INTAKE_NOW, type FakeCoreOptions } from './fake-core.ts';
import { completeSocialCard, pngBytes, SOCIAL_CARD } from './intake-fixtures.ts';
import { CLERK, renderOn } from './render-app.tsx';

/** A complete draft reviewed and sealed through the UI; lands on 已封装. */
async function sealed(printer: FakeCoreOptions['printer']) {
  const core = new FakeCore({ users: [CLERK], signedIn: CLERK.username, ...(printer ? { printer } : {}) });
  const clerk = core.byUsername(CLERK.username)!;
  const draft = core.intake.seedDraft(clerk, SOCIAL_CARD, completeSocialCard());
  core.intake.seedFile(draft.id, 'applicant-id-card', '身份证.png', pngBytes(), 'image/png');
  core.intake.seedFile(draft.id, 'photo', '照片.png', pngBytes(), 'image/png');
  window.sessionStorage.setItem('tongban.intake.openDraft', draft.id);
  const user = userEvent.setup();
  renderOn(core);
  await screen.findByRole('heading', { name: '形式审查', level: 3 });
  await user.click(screen.getByRole('button', { name: '开始审查' }));
  await screen.findByRole('heading', { name: '审查结论：收件' });
  await user.click(screen.getByRole('button', { name: '封装' }));
  await user.keyboard('{Enter}');
  await screen.findByRole('heading', { name: '已封装', level: 3 });
  return { core, user, printer: core.printer! };
}

async function slipLine() {
  const list = await screen.findByRole('list', { name: '热敏回执打印' });
  return within(list).getByRole('listitem');
}

const PRINTED_AT = hallTime(INTAKE_NOW);

describe('the sealed view’s receipt line', () => {
  it('says the receipt printed and when, and 补打 prints a marked copy', async () => {
    const { core, user, printer } = await sealed({});
    const line = await slipLine();
    expect(line.textContent).toContain(`回执已打印（${PRINTED_AT}）`);
    // Under the documents, after them.
    const documents = screen.getByRole('list', { name: '出具的文书' });
    expect(documents.compareDocumentPosition(line) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();

    const reprint = within(line).getByRole('button', { name: '补打回执' });
    expect(reprint.textContent).toBe('补打');
    reprint.focus();
    await user.keyboard('{Enter}');
    await waitFor(() => expect(line.textContent).toContain(`回执已补打（${PRINTED_AT}）`));
    const original = printer.jobs[0]!;
    expect(core.calls.filter((c) => c.method === 'printing.reprint').map((c) => c.input)).toEqual([
      { jobId: original.id },
    ]);
    expect(printer.jobs.map((j) => [j.reprintOf, j.state])).toEqual([
      [null, 'printed'],
      [original.id, 'printed'],
    ]);
    // One line for the slip (the copy stands for it), the focus still on its button.
    expect(within(screen.getByRole('list', { name: '热敏回执打印' })).getAllByRole('listitem')).toHaveLength(1);
    expect(document.activeElement).toBe(within(line).getByRole('button', { name: '补打回执' }));
  });

  it('shows the progress while the receipt prints, then that it printed', async () => {
    const { printer } = await sealed({ hold: true });
    const line = await slipLine();
    expect(line.textContent).toContain('正在打印回执…');
    expect(line.querySelector('progress')).not.toBeNull();
    const button = within(line).getByRole('button', { name: '正在打印回执' });
    expect(button.getAttribute('aria-disabled')).toBe('true');
    expect(button.textContent).toBe('正在打印…');

    act(() => printer.finish(printer.jobs[0]!.id));
    await waitFor(() => expect(line.textContent).toContain(`回执已打印（${PRINTED_AT}）`));
    expect(line.querySelector('progress')).toBeNull();
    expect(within(line).getByRole('button', { name: '补打回执' }).getAttribute('aria-disabled')).toBeNull();
  });

  it('says why the receipt did not print in the catalog’s words, and 重新打印 prints it', async () => {
    const { core, user, printer } = await sealed({ fault: { code: 'printer.paperOut' } });
    const line = await slipLine();
    await waitFor(() => expect(line.textContent).toContain('回执未打印：打印机缺纸，请装入热敏纸后重试。'));

    // Still out of paper: the line keeps the reason and counts the attempt; no second message.
    const retry = within(line).getByRole('button', { name: '重新打印回执' });
    await user.click(retry);
    await waitFor(() => expect(line.textContent).toContain('（已尝试 2 次）'));
    expect(line.textContent).toContain('回执未打印：打印机缺纸，请装入热敏纸后重试。');
    expect(screen.queryByRole('alert')).toBeNull();

    // Paper in: 重新打印 prints it.
    printer.fault = null;
    await user.click(within(line).getByRole('button', { name: '重新打印回执' }));
    await waitFor(() => expect(line.textContent).toContain(`回执已打印（${PRINTED_AT}）`));
    expect(core.calls.filter((c) => c.method === 'printing.print')).toHaveLength(2);
    expect(document.activeElement).toBe(within(line).getByRole('button', { name: '补打回执' }));
  });

  it('prints by itself when the printer is back, and names a fault’s reason in words', async () => {
    const { printer } = await sealed({ fault: { code: 'printer.jobIncomplete', params: { reason: 'coverOpen' } } });
    const line = await slipLine();
    await waitFor(() =>
      expect(line.textContent).toContain(
        '回执未打印：回执未能打印完整：打印时纸仓盖被打开。请处理后重新打印这张回执，已打出的部分请作废。',
      ),
    );
    act(() => printer.setFault(null));
    await waitFor(() => expect(line.textContent).toContain(`回执已打印（${PRINTED_AT}）`));
  });

  it('shows nothing where the window has no receipt printer', async () => {
    const { core } = await sealed(undefined);
    expect(await screen.findByRole('list', { name: '出具的文书' })).toBeTruthy();
    expect(screen.queryByRole('list', { name: '热敏回执打印' })).toBeNull();
    expect(core.methodsCalled()).not.toContain('printing.forPacket');
  });
});
