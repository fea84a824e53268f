// The applicant's 好差评 form: four questions of 非常满意 … 非常不满意, a 差评 asks why
// (required) and for optional words, nothing is sent until every question has an
// answer, a refusal keeps the answers; keyboard alone works, and touch targets are labels.
import { fireEvent, render, screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiCallError } from '../../src-renderer/api/client.ts';
import type { RatingInput } from '../../src-main/common/rating.ts';
import { RatingForm } from '../../src-renderer/screens/applicant/RatingForm.tsx';

// jsdom has no CSS.escape, which user-event uses to find a radio group's other buttons.
if (typeof globalThis.CSS?.escape !== 'function') {
  Object.assign(globalThis, { CSS: { ...globalThis.CSS, escape: (text: string) => text.replace(/["\\]/g, '\\$&') } });
}

function group(name: string) {
  return screen.getByRole('group', { name });
}

async function rate(user: ReturnType<typeof userEvent.setup>, question: string, level: string) {
  await user.click(within(group(question)).getByRole('radio', { name: level }));
}

describe('the applicant’s rating form', () => {
  it('sends the four levels of a good rating, without a category or words', async () => {
    const user = userEvent.setup();
    const onSubmit = vi.fn<(rating: RatingInput) => Promise<void>>().mockResolvedValue();
    render(<RatingForm onSubmit={onSubmit} busy={false} />);
    expect(screen.getByRole('heading', { name: '请您对本次服务作出评价' })).toBeTruthy();
    expect(
      within(group('总体评价'))
        .getAllByRole('radio')
        .map((r) => r.closest('label')?.textContent),
    ).toEqual(['非常满意', '满意', '基本满意', '不满意', '非常不满意']);
    await rate(user, '总体评价', '非常满意');
    await rate(user, '办事效率', '满意');
    await rate(user, '业务水平', '基本满意');
    await rate(user, '服务态度', '非常满意');
    expect(screen.queryByRole('group', { name: /不满意的原因/ })).toBeNull();
    await user.click(screen.getByRole('button', { name: '提交评价' }));
    expect(onSubmit).toHaveBeenCalledWith({ overall: 5, efficiency: 4, skill: 3, attitude: 5 });
  });

  it('sends nothing while a question is unanswered, and says which', async () => {
    const user = userEvent.setup();
    const onSubmit = vi.fn<(rating: RatingInput) => Promise<void>>().mockResolvedValue();
    render(<RatingForm onSubmit={onSubmit} busy={false} />);
    await rate(user, '总体评价', '满意');
    await rate(user, '服务态度', '满意');
    await user.click(screen.getByRole('button', { name: '提交评价' }));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(screen.getByRole('alert').textContent).toBe(
      '还有未评价的项目：办事效率、业务水平。请为每一项选择一个评价。',
    );
    // The first unanswered question has the focus.
    expect(document.activeElement).toBe(within(group('办事效率')).getAllByRole('radio')[0]);
  });

  it('asks a 差评 for its category (required) and takes optional words', async () => {
    const user = userEvent.setup();
    const onSubmit = vi.fn<(rating: RatingInput) => Promise<void>>().mockResolvedValue();
    render(<RatingForm onSubmit={onSubmit} busy={false} />);
    await rate(user, '总体评价', '不满意');
    await rate(user, '办事效率', '非常不满意');
    await rate(user, '业务水平', '满意');
    await rate(user, '服务态度', '基本满意');
    const reasons = group('请选择不满意的原因（必选）');
    await user.click(screen.getByRole('button', { name: '提交评价' }));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(screen.getByRole('alert').textContent).toBe('您选择了“不满意”，请选择不满意的原因，以便我们整改。');

    await user.click(within(reasons).getByRole('radio', { name: '多次跑动、反复提交材料' }));
    await user.type(screen.getByRole('textbox', { name: /您的意见或建议/ }), '  材料交了三次  ');
    await user.click(screen.getByRole('button', { name: '提交评价' }));
    expect(onSubmit).toHaveBeenCalledWith({
      overall: 2,
      efficiency: 1,
      skill: 4,
      attitude: 3,
      category: 'repeatedVisits',
      text: '材料交了三次',
    });
  });

  it('drops the category and words when the applicant changes a 差评 into a good rating', async () => {
    const user = userEvent.setup();
    const onSubmit = vi.fn<(rating: RatingInput) => Promise<void>>().mockResolvedValue();
    render(<RatingForm onSubmit={onSubmit} busy={false} />);
    await rate(user, '总体评价', '非常不满意');
    await user.click(within(group('请选择不满意的原因（必选）')).getByRole('radio', { name: '其他' }));
    await user.type(screen.getByRole('textbox', { name: /您的意见或建议/ }), '不好');
    await rate(user, '总体评价', '满意');
    await rate(user, '办事效率', '满意');
    await rate(user, '业务水平', '满意');
    await rate(user, '服务态度', '满意');
    expect(screen.queryByRole('group', { name: /不满意的原因/ })).toBeNull();
    await user.click(screen.getByRole('button', { name: '提交评价' }));
    expect(onSubmit).toHaveBeenCalledWith({ overall: 4, efficiency: 4, skill: 4, attitude: 4 });
  });

  it('works from the keyboard alone: Tab to a question, arrows to a level, Enter to send', async () => {
    const user = userEvent.setup();
    const onSubmit = vi.fn<(rating: RatingInput) => Promise<void>>().mockResolvedValue();
    render(<RatingForm onSubmit={onSubmit} busy={false} />);
    for (let question = 0; question < 4; question++) {
      await user.tab(); // the group's first level (非常满意)
      await user.keyboard('{ArrowDown}'); // 满意
    }
    await user.keyboard('{Enter}');
    expect(onSubmit).toHaveBeenCalledWith({ overall: 4, efficiency: 4, skill: 4, attitude: 4 });
  });

  it('shows a refusal in Chinese and keeps the answers to send again', async () => {
    const user = userEvent.setup();
    const onSubmit = vi
      .fn<(rating: RatingInput) => Promise<void>>()
      .mockRejectedValueOnce(new ApiCallError('rating.alreadyGiven', 'rated'))
      .mockResolvedValue();
    render(<RatingForm onSubmit={onSubmit} busy={false} />);
    for (const question of ['总体评价', '办事效率', '业务水平', '服务态度']) await rate(user, question, '非常满意');
    await user.click(screen.getByRole('button', { name: '提交评价' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      '评价未能提交：本次办事已经评价过了（一次一评），不能再次评价。原评价已保存。您选择的内容仍在，可再次提交。',
    );
    expect(within(group('服务态度')).getByRole('radio', { name: '非常满意' })).toHaveProperty('checked', true);
  });

  it('while busy, says so and sends nothing twice', () => {
    const onSubmit = vi.fn<(rating: RatingInput) => Promise<void>>().mockResolvedValue();
    render(<RatingForm onSubmit={onSubmit} busy />);
    const button = screen.getByRole('button', { name: '正在提交…' });
    expect(button).toHaveProperty('disabled', true);
    fireEvent.submit(button.closest('form')!);
    expect(onSubmit).not.toHaveBeenCalled();
  });
});
