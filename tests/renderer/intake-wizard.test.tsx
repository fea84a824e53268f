import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createApiClient } from '../../src-renderer/api/client.ts';
import type { FakeCore } from './fake-core.ts';
import {
  APPLICANT_ID,
  APPLICANT_ID_TYPO,
  AGENT_ID,
  completeSocialCard,
  pdfBytes,
  pngBytes,
  SOCIAL_CARD,
} from './intake-fixtures.ts';
import { CLERK, renderApp, renderOn } from './render-app.tsx';

async function clerkHome(options: Parameters<typeof renderApp>[0] = {}) {
  const user = userEvent.setup();
  const app = renderApp({ users: [CLERK], signedIn: CLERK.username, ...options });
  await screen.findByRole('button', { name: /新建收件/ });
  return { user, ...app };
}

/** Starts a 社会保障卡申领 draft from the keyboard; lands on the applicant step. */
async function startSocialCard() {
  const app = await clerkHome();
  await app.user.keyboard('{Alt>}n{/Alt}');
  await screen.findByLabelText('搜索事项');
  await app.user.keyboard('sbk');
  await screen.findByRole('option', { name: /社会保障卡申领/ });
  await app.user.keyboard('{Enter}');
  await screen.findByRole('heading', { name: '社会保障卡申领', level: 2 });
  return app;
}

function clerkOf(core: FakeCore) {
  const user = core.byUsername(CLERK.username);
  if (!user) throw new Error('no clerk');
  return user;
}

function onlyDraft(core: FakeCore) {
  const drafts = [...core.intake.drafts.values()];
  expect(drafts).toHaveLength(1);
  return drafts[0]!;
}

/** A promise the test resolves when it wants (to hold an upload's chunks). */
function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

const field = (label: string) => screen.getByLabelText(label, { selector: 'input, select, textarea' });
const valueOf = (label: string) => (field(label) as HTMLInputElement).value;

describe('choosing the item', () => {
  it('finds items by pinyin initials and takes one with ↑/↓ and Enter', async () => {
    const { user, core } = await clerkHome();
    await user.keyboard('{Alt>}n{/Alt}');
    const search = await screen.findByLabelText('搜索事项');
    expect(document.activeElement).toBe(search);

    await user.keyboard('hkqy');
    const list = screen.getByRole('listbox', { name: '事项搜索结果' });
    await within(list).findByRole('option', { name: /户口迁移（父母投靠子女）/ });
    const options = within(list).getAllByRole('option');
    expect(options.map((o) => o.textContent)).toEqual([
      '户口迁移（工作调动） KSTB-GA-0001',
      '户口迁移（夫妻投靠） KSTB-GA-0004',
      '户口迁移（父母投靠子女） KSTB-GA-0005',
      '户口迁移（大中专院校录取） KSTB-GA-0002',
      '户口迁移（大中专院校毕业生） KSTB-GA-0003',
    ]);
    expect(options[0]!.getAttribute('aria-selected')).toBe('true');

    await user.keyboard('{ArrowDown}{ArrowDown}');
    expect(search.getAttribute('aria-activedescendant')).toBe(options[2]!.id);
    await user.keyboard('{Enter}');

    expect(await screen.findByRole('heading', { name: '户口迁移（父母投靠子女）', level: 2 })).toBeTruthy();
    expect(onlyDraft(core)).toMatchObject({ itemCode: 'KSTB-GA-0005', step: 'applicant' });
    // The applicant step opens with the cursor in its first field.
    expect(document.activeElement).toBe(field('姓名'));
  });

  it("shows the highlighted item's guide: time limits with their unit, fees case by case, result, who does what", async () => {
    const { user } = await clerkHome();
    await user.keyboard('{Alt>}n{/Alt}');
    await screen.findByLabelText('搜索事项');
    await user.keyboard('jmsfz');
    const guide = await screen.findByRole('region', { name: '办事指南' });
    await within(guide).findByRole('heading', { name: /居民身份证换领补领/ });
    expect(guide.textContent).toContain('法定 60 个自然日，承诺 30 个自然日');
    expect(within(guide).getByText('换领工本费 40 元（证件损坏换领的）')).toBeTruthy();
    expect(within(guide).getByText('补领工本费 40 元（丢失补领的）')).toBeTruthy();
    expect(guide.textContent).toContain('居民身份证（窗口领取、邮寄送达）');
    expect(within(guide).getByRole('heading', { name: '窗口（收件）负责' })).toBeTruthy();
    expect(within(guide).getByRole('heading', { name: '业务属地部门负责' })).toBeTruthy();

    // Arrowing to another hit shows its guide: working days, no fee.
    await user.clear(screen.getByLabelText('搜索事项'));
    await user.keyboard('hkqy');
    await screen.findByRole('heading', { name: /户口迁移（工作调动）/, level: 3 });
    expect(screen.getByRole('region', { name: '办事指南' }).textContent).toContain('个工作日');
    expect(screen.getByRole('region', { name: '办事指南' }).textContent).toContain('迁入地调查核实');
  });

  it('takes the first hit when Enter comes right after typing', async () => {
    const { user, core } = await clerkHome();
    await user.click(screen.getByRole('button', { name: /新建收件/ }));
    await user.type(await screen.findByLabelText('搜索事项'), 'sbk{Enter}');
    await screen.findByRole('heading', { name: '社会保障卡申领', level: 2 });
    expect(onlyDraft(core).itemCode).toBe(SOCIAL_CARD);
  });

  it('goes back to the queue with Escape', async () => {
    const { user } = await clerkHome();
    await user.keyboard('{Alt>}n{/Alt}');
    await screen.findByLabelText('搜索事项');
    await user.keyboard('{Escape}');
    expect(await screen.findByRole('button', { name: /新建收件/ })).toBeTruthy();
  });
});

describe('the applicant step', () => {
  it('flags a wrong check digit beside the field and keeps what was typed', async () => {
    const { user, core } = await startSocialCard();
    await user.keyboard('张伟');
    await user.type(field('公民身份号码'), APPLICANT_ID_TYPO);

    const idField = field('公民身份号码');
    expect(idField.getAttribute('aria-invalid')).toBe('true');
    const message = screen.getByText('公民身份号码校验码不符，可能有数字录入错误，请与证件逐位核对。');
    expect(idField.getAttribute('aria-describedby')).toContain(message.id);
    expect(valueOf('公民身份号码')).toBe(APPLICANT_ID_TYPO);
    // Saved as typed: a wrong value is review's finding, not a reason to lose it.
    await waitFor(() => expect(onlyDraft(core).state.applicant.idNumber).toBe(APPLICANT_ID_TYPO));

    await user.clear(idField);
    await user.type(idField, APPLICANT_ID);
    expect(screen.queryByText(/校验码不符/)).toBeNull();
    expect(idField.getAttribute('aria-invalid')).toBeNull();
    // A valid number fills sex and birth date that were still empty.
    expect(valueOf('性别')).toBe('male');
    expect(valueOf('出生日期')).toBe('1990-03-07');
    await waitFor(() =>
      expect(onlyDraft(core).state.applicant).toEqual({
        name: '张伟',
        idNumber: APPLICANT_ID,
        sex: 'male',
        birthDate: '1990-03-07',
        source: 'manual',
      }),
    );
  });

  it('without a card, says how the reader is used and marks a typed identity as typed', async () => {
    await startSocialCard();
    expect(screen.getByText(/请申请人将身份证件放在读卡器上/)).toBeTruthy();
    expect(screen.getByText('信息来源：手工录入')).toBeTruthy();
  });

  it('adds an agent with its own identity fields, and the agent materials with it', async () => {
    const { user, core } = await startSocialCard();
    await user.click(screen.getByLabelText('由代办人代为办理'));
    await user.type(field('代办人姓名'), '李娜');
    await user.type(field('代办人公民身份号码'), AGENT_ID);
    await waitFor(() =>
      expect(onlyDraft(core).state.agent).toMatchObject({ name: '李娜', idNumber: AGENT_ID, sex: 'female' }),
    );

    await user.keyboard('{Alt>}3{/Alt}');
    await screen.findByRole('heading', { name: '收取材料', level: 3 });
    expect(screen.getByRole('group', { name: '授权委托书' })).toBeTruthy();
    expect(screen.getByRole('group', { name: /代办人/ })).toBeTruthy();
  });
});

describe('identity documents and guardians on the applicant step', () => {
  it('takes a passport typed by hand: its own number rule, the issuing country, authority and expiry', async () => {
    const { user, core } = await startSocialCard();
    await user.keyboard('John Smith');
    await user.selectOptions(field('证件类型'), '护照');
    // The number field is named by the document, and checked by its rule.
    await user.type(field('护照号码'), 'e12-34');
    await user.tab();
    expect(screen.getByText('护照号码应为 5 至 17 位字母或数字。')).toBeTruthy();
    await user.clear(field('护照号码'));
    await user.type(field('护照号码'), 'e12345678');
    expect(valueOf('护照号码')).toBe('E12345678');
    expect(screen.queryByText(/护照号码应为/)).toBeNull();
    expect(screen.queryByLabelText('民族', { selector: 'select' })).toBeNull();
    await user.type(field('国籍（签发国）'), 'gbr');
    await user.type(field('签发机关'), 'HM Passport Office');
    await user.type(field('有效期至'), '2020-01-01');
    expect(screen.getByText('证件已于 2020-01-01 过期，不能作为有效身份证件，请申请人出示有效证件。')).toBeTruthy();
    await user.clear(field('有效期至'));
    await user.type(field('有效期至'), '2034-05-06');
    await waitFor(() =>
      expect(onlyDraft(core).state.applicant).toEqual({
        name: 'John Smith',
        idNumber: 'E12345678',
        document: 'passport',
        nationality: 'GBR',
        authority: 'HM Passport Office',
        validTo: '2034-05-06',
        source: 'manual',
      }),
    );
    await user.click(screen.getByLabelText('长期有效'));
    await waitFor(() => expect(onlyDraft(core).state.applicant.validTo).toBe('longTerm'));
    expect((field('有效期至') as HTMLInputElement).disabled).toBe(true);
  });

  it('shows the guardian section for a minor applicant, with the guardian’s own identity fields', async () => {
    const { user, core } = await startSocialCard();
    expect(screen.queryByRole('group', { name: '监护人' })).toBeNull();
    await user.keyboard('李小明');
    await user.type(field('公民身份号码'), '510104201503071233');
    const section = await screen.findByRole('group', { name: '监护人' });
    expect(within(section).getByText(/申请人未满十八周岁（\d+ 周岁），须由监护人陪同办理/)).toBeTruthy();
    await user.selectOptions(within(section).getByLabelText('与申请人关系'), '其他监护人');
    await user.type(within(section).getByLabelText('监护人姓名'), '李强');
    await user.type(within(section).getByLabelText('监护人公民身份号码'), '510104198503071247');
    await waitFor(() =>
      expect(onlyDraft(core).state.guardian).toEqual({
        relation: 'other',
        person: { name: '李强', idNumber: '510104198503071247', sex: 'female', birthDate: '1985-03-07', source: 'manual' },
      }),
    );
  });
});

describe('a company at the window', () => {
  /** 内资企业及分支机构设立登记 for a company, everything but who came filled in (pasted: the tests are about that choice). */
  async function startCompany() {
    const app = await clerkHome();
    const { user } = app;
    await user.keyboard('{Alt>}n{/Alt}');
    await screen.findByLabelText('搜索事项');
    await user.keyboard('KSTB-SC-0002');
    await screen.findByRole('option', { name: /内资企业及分支机构设立登记/ });
    await user.keyboard('{Enter}');
    await screen.findByRole('heading', { name: '内资企业及分支机构设立登记', level: 2 });
    await user.selectOptions(field('申请人类型'), '企业或其他组织');
    for (const [label, text] of [
      ['单位名称', '北京某某科技有限公司'],
      ['统一社会信用代码', '91350100M000100Y43'],
      ['姓名', '王芳'],
      ['公民身份号码', AGENT_ID],
      ['业务属地行政区划代码', '110105'],
    ] as const) {
      await user.click(field(label));
      await user.paste(text);
    }
    return app;
  }

  it('holds the step until it is said whether the legal representative or an 经办人 came', async () => {
    const { user } = await startCompany();
    await user.keyboard('{Alt>}{ArrowRight}{/Alt}');
    expect(screen.getByRole('heading', { name: '申请人', level: 3 })).toBeTruthy();
    expect(screen.getByText('请选择一项。')).toBeTruthy();
  });

  it('asks an 经办人 for the company’s 授权委托书 among the materials, and no agent’s identity card', async () => {
    const { user, core } = await startCompany();
    await user.selectOptions(field('到场办理人员'), '经办人（持单位授权委托书）');
    expect(screen.getByText('经办人须提交申请单位出具的授权委托书，材料清单会自动列出。')).toBeTruthy();
    await waitFor(() => expect(onlyDraft(core).state.operatorRole).toBe('handler'));
    await user.keyboard('{Alt>}3{/Alt}');
    await screen.findByRole('heading', { name: '收取材料', level: 3 });
    expect(screen.getByRole('group', { name: '授权委托书' })).toBeTruthy();
    expect(screen.queryByRole('group', { name: /代办人/ })).toBeNull();
  });
});

describe('the clerk’s slips are caught on the step', () => {
  it('holds the applicant step with 下一步 while something typed is wrong or missing, at the field, until fixed', async () => {
    const { user, core } = await startSocialCard();
    await user.keyboard('张伟');
    await user.type(field('公民身份号码'), APPLICANT_ID_TYPO);
    await user.keyboard('{Alt>}{ArrowRight}{/Alt}');

    // Still here: every problem shows where it is, the focus on the first one.
    expect(screen.getByRole('heading', { name: '申请人', level: 3 })).toBeTruthy();
    expect(screen.getByText('本步骤还有 2 处需要更正（已在相应栏目下标出），更正后才能进入下一步。')).toBeTruthy();
    await waitFor(() => expect(document.activeElement).toBe(field('公民身份号码')));
    const region = field('业务属地行政区划代码');
    expect(region.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('此项必填，请填写。')).toBeTruthy();
    // Nothing typed was lost.
    await waitFor(() => expect(onlyDraft(core).state.applicant.idNumber).toBe(APPLICANT_ID_TYPO));

    await user.clear(field('公民身份号码'));
    await user.type(field('公民身份号码'), APPLICANT_ID);
    await user.type(region, '110102');
    expect(screen.queryByText(/本步骤还有/)).toBeNull();
    await user.click(screen.getByRole('button', { name: /下一步/ }));
    expect(await screen.findByRole('heading', { name: '填写表单', level: 3 })).toBeTruthy();
  });

  it('holds the form step on a wrong phone number and an empty required field, and Enter from the last field too', async () => {
    const { user } = await startSocialCard();
    await user.keyboard('{Alt>}2{/Alt}');
    await screen.findByRole('heading', { name: '填写表单', level: 3 });
    await user.type(field('联系电话'), '12345');
    await user.click(screen.getByRole('button', { name: /下一步/ }));
    expect(screen.getByRole('heading', { name: '填写表单', level: 3 })).toBeTruthy();
    expect(screen.getByText(/^本步骤还有 \d+ 处需要更正/)).toBeTruthy();
    expect(field('联系电话').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('请填写有效电话号码：手机 11 位，固定电话请带区号。')).toBeTruthy();
    expect(field('申请人姓名').getAttribute('aria-invalid')).toBe('true');
    await waitFor(() => expect(document.activeElement).toBe(field('申请人姓名')));
    // A jump by the step bar still goes where it is sent; review and sealing hold it all the same.
    await user.keyboard('{Alt>}3{/Alt}');
    expect(await screen.findByRole('heading', { name: '收取材料', level: 3 })).toBeTruthy();
  });

  it('shows a lowercase x of an ID number as X at once', async () => {
    const { user, core } = await startSocialCard();
    const lower = `${APPLICANT_ID.slice(0, 17)}x`;
    await user.type(field('公民身份号码'), lower);
    expect(valueOf('公民身份号码')).toBe(`${APPLICANT_ID.slice(0, 17)}X`);
    await waitFor(() => expect(onlyDraft(core).state.applicant.idNumber).toBe(`${APPLICANT_ID.slice(0, 17)}X`));
  });
});

describe('regions, 民族 and age on the applicant step', () => {
  it('picks the home region by pinyin initials with ↓ and Enter, and shows its full name', async () => {
    const { user, core } = await startSocialCard();
    const region = field('业务属地行政区划代码');
    await user.click(region);
    await user.keyboard('cy');
    const list = screen.getByRole('listbox', { name: '候选地区' });
    expect(within(list).getAllByRole('option')[0]!.textContent).toContain('北京市朝阳区');
    expect(region.getAttribute('aria-expanded')).toBe('true');
    await user.keyboard('{ArrowDown}{ArrowUp}{Enter}');
    await waitFor(() => expect(onlyDraft(core).state.homeRegionCode).toBe('110105'));
    expect(valueOf('业务属地行政区划代码')).toBe('110105');
    expect(screen.getByText('北京市朝阳区')).toBeTruthy();
    // The pick did not move on: Enter now goes to the next field as ever.
    expect(document.activeElement).toBe(region);
    expect(within(list).queryByRole('option')).toBeNull();
  });

  it('flags a home region the window does not serve for the item as soon as it is entered', async () => {
    const { user } = await startSocialCard();
    await user.type(field('业务属地行政区划代码'), '350203');
    expect(
      screen.getByText(/本窗口的“社会保障卡申领”不受理业务属地为福建省厦门市思明区的申请/),
    ).toBeTruthy();
    await user.clear(field('业务属地行政区划代码'));
    await user.type(field('业务属地行政区划代码'), '110102');
    expect(screen.queryByText(/不受理业务属地/)).toBeNull();
    expect(screen.getByText('北京市西城区')).toBeTruthy();
  });

  it('chooses 民族 from the list of 56 and shows the age the ID number gives', async () => {
    const { user, core } = await startSocialCard();
    const ethnicity = field('民族') as HTMLSelectElement;
    expect([...ethnicity.options].map((o) => o.textContent)).toContain('基诺族');
    expect(ethnicity.options.length).toBe(1 + 58);
    await user.selectOptions(ethnicity, '蒙古族');
    await waitFor(() => expect(onlyDraft(core).state.applicant.ethnicity).toBe('蒙古'));
    await user.type(field('公民身份号码'), APPLICANT_ID);
    expect(screen.getByText(/^按公民身份号码，今天 \d+ 周岁。$/)).toBeTruthy();
  });
});

describe('the identity panel (ID card reader)', () => {
  it('fills the applicant from a card placed on the reader: number masked, checks shown, logged as read', async () => {
    const { user, core } = await startSocialCard();
    core.placeCard(1);
    const panel = await screen.findByTestId('id-card-applicant');
    expect(within(panel).getByText('王建国')).toBeTruthy();
    expect(screen.getByTestId('id-number-applicant').textContent).toBe('110105********1219');
    expect(within(panel).getByText('2012-05-20 至 长期')).toBeTruthy();
    expect(within(panel).getByText(/证件核验通过/)).toBeTruthy();
    expect(onlyDraft(core).state.applicant).toMatchObject({
      name: '王建国',
      idNumber: '110105196003151219',
      sex: 'male',
      birthDate: '1960-03-15',
      source: 'idCard',
      card: { cardType: 'resident', validTo: 'longTerm' },
    });
    expect(core.methodsCalled()).toContain('drafts.useIdCard');

    await user.click(within(panel).getByRole('button', { name: '显示完整号码' }));
    expect(screen.getByTestId('id-number-applicant').textContent).toBe('110105196003151219');

    // Typing by hand stays possible: the fields come back filled, and the identity is typed from then on.
    await user.click(within(panel).getByRole('button', { name: '改为手工录入' }));
    expect(valueOf('姓名')).toBe('王建国');
    expect(valueOf('公民身份号码')).toBe('110105196003151219');
    await waitFor(() => expect(onlyDraft(core).state.applicant.source).toBe('manual'));
    expect(onlyDraft(core).state.applicant.card).toBeUndefined();
  });

  it('shows an expired card as a blocking finding', async () => {
    const { core } = await startSocialCard();
    core.placeCard(3);
    const panel = await screen.findByTestId('id-card-applicant');
    expect(within(panel).getByText(/证件已于 2021-02-10 过期/)).toBeTruthy();
  });

  it('fills a ticked agent from the next card, and offers a card instead of overwriting a filled identity', async () => {
    const { user, core } = await startSocialCard();
    core.placeCard(1);
    await screen.findByTestId('id-card-applicant');
    await user.click(screen.getByLabelText('由代办人代为办理'));
    core.placeCard(2);
    const agent = await screen.findByTestId('id-card-agent');
    expect(within(agent).getByText('李秀英')).toBeTruthy();
    expect(onlyDraft(core).state.agent).toMatchObject({ name: '李秀英', source: 'idCard' });

    // Both filled: a third card is offered, never put over what is there.
    core.placeCard(4);
    const offers = await screen.findAllByText('读卡器上的证件：阿依古丽·买买提（居民身份证）');
    expect(offers).toHaveLength(2);
    expect(onlyDraft(core).state.applicant.name).toBe('王建国');
    await user.click(screen.getByRole('button', { name: '用此证件填入代办人' }));
    await waitFor(() => expect(onlyDraft(core).state.agent?.name).toBe('阿依古丽·买买提'));
  });

  it('says when the card on the reader cannot be read', async () => {
    const { core } = await startSocialCard();
    core.cards = {
      reading: null,
      onReader: false,
      unreadable: { code: 'idcard.readFailed', detail: 'moved while reading' },
    };
    core.emit('idCard.changed', core.cards);
    expect(await screen.findByText(/读卡器上的证件无法读取：读取证件信息失败/)).toBeTruthy();
  });
});

describe('the form step', () => {
  it('prefills from the identity and shows fields only when their condition holds', async () => {
    const { user } = await startSocialCard();
    await user.keyboard('张伟');
    await user.type(field('公民身份号码'), APPLICANT_ID);
    await user.keyboard('{Alt>}2{/Alt}');
    await screen.findByRole('heading', { name: '填写表单', level: 3 });

    expect(valueOf('申请人姓名')).toBe('张伟');
    expect(valueOf('公民身份号码')).toBe(APPLICANT_ID);
    expect(valueOf('性别')).toBe('male');
    expect(screen.getAllByText(/已按申请人身份信息预填/).length).toBe(3);

    expect(screen.queryByLabelText('监护人姓名')).toBeNull();
    await user.selectOptions(field('申请人未满16周岁'), '是');
    expect(field('监护人姓名')).toBeTruthy();
    expect(field('监护人公民身份号码')).toBeTruthy();
  });

  it('makes a conditional material due once its answer is given', async () => {
    const { user } = await startSocialCard();
    await user.keyboard('{Alt>}3{/Alt}');
    await screen.findByRole('heading', { name: '收取材料', level: 3 });
    expect(screen.queryByRole('group', { name: '监护关系证明（户口簿或出生医学证明）' })).toBeNull();
    expect(screen.getByText('（申请人未满16周岁的）')).toBeTruthy();

    await user.keyboard('{Alt>}{ArrowLeft}{/Alt}');
    await screen.findByRole('heading', { name: '填写表单', level: 3 });
    await user.selectOptions(field('申请人未满16周岁'), '是');
    await user.keyboard('{Alt>}3{/Alt}');

    const material = await screen.findByRole('group', { name: '监护关系证明（户口簿或出生医学证明）' });
    expect(within(material).getByText('申请人未满16周岁的须交')).toBeTruthy();
    // 应交 beside 实交
    const original = within(material).getByLabelText('原件');
    expect(original.closest('tr')?.textContent).toContain('1 份');
  });

  it('goes to a step with Alt and its number, also from inside a field, and says so on the step', async () => {
    const { user } = await startSocialCard();
    expect(document.activeElement).toBe(field('姓名'));
    const steps = within(screen.getByRole('navigation', { name: '收件步骤' }));
    expect(steps.getByRole('button', { name: /收取材料/ }).getAttribute('aria-keyshortcuts')).toBe('Alt+3');
    expect(steps.getByRole('button', { name: /收取材料/ }).getAttribute('title')).toContain('Alt+3');

    await user.keyboard('{Alt>}3{/Alt}');
    expect(await screen.findByRole('heading', { name: '收取材料', level: 3 })).toBeTruthy();
    await user.keyboard('{Alt>}4{/Alt}');
    expect(await screen.findByRole('heading', { name: '形式审查', level: 3 })).toBeTruthy();
    await user.keyboard('{Alt>}1{/Alt}');
    expect(await screen.findByRole('heading', { name: '申请人', level: 3 })).toBeTruthy();
    expect(document.activeElement).toBe(field('姓名'));
  });

  it('moves on with Enter from the last field', async () => {
    const { user } = await startSocialCard();
    await user.keyboard('张伟');
    await user.type(field('公民身份号码'), APPLICANT_ID);
    await user.type(field('业务属地行政区划代码'), '110102');
    // The step's last field is the agent tick box.
    screen.getByLabelText('由代办人代为办理').focus();
    await user.keyboard('{Enter}');
    expect(await screen.findByRole('heading', { name: '填写表单', level: 3 })).toBeTruthy();

    // Enter in any other field goes to the next field.
    expect(document.activeElement).toBe(field('申请人姓名'));
    await user.keyboard('{Enter}');
    expect(document.activeElement).toBe(field('公民身份号码'));
  });
});

describe('autosave and resume', () => {
  it('saves only what changed, and a reload resumes at the same step with the same values', async () => {
    const { user, core, unmount } = await startSocialCard();
    await user.keyboard('{Alt>}2{/Alt}');
    await screen.findByRole('heading', { name: '填写表单', level: 3 });
    await waitFor(() => expect(onlyDraft(core).step).toBe('form'));
    const before = core.intake.saves.length;

    await user.type(field('联系电话'), '13812345678');
    expect(await screen.findByText('已自动保存')).toBeTruthy();
    await waitFor(() => expect(core.intake.saves.length).toBeGreaterThan(before));
    // One pause, one save, carrying that one answer and nothing else.
    expect(core.intake.saves.slice(before)).toEqual([{ answers: { phone: '13812345678' } }]);

    // The result's delivery: a choice of the draft, the post's phone taken from the form's to check.
    await user.selectOptions(field('送达方式'), '邮寄送达');
    await waitFor(() =>
      expect(core.intake.saves.at(-1)).toEqual({
        delivery: { method: 'post', post: { recipient: expect.any(String), phone: '13812345678', address: '' } },
      }),
    );
    // Typing that was not yet saved rides along with the step change.
    await user.type(field('邮寄地址'), '北京市西城区');
    await user.keyboard('{Alt>}3{/Alt}');
    await waitFor(() => expect(onlyDraft(core).step).toBe('materials'));
    expect(onlyDraft(core).state.delivery).toMatchObject({ method: 'post', post: { address: '北京市西城区' } });

    await user.keyboard('{Alt>}{ArrowLeft}{/Alt}');
    await waitFor(() => expect(onlyDraft(core).step).toBe('form'));
    unmount();

    // As after a reload: the tab remembers the open draft, the core has its content.
    renderOn(core);
    expect(await screen.findByRole('heading', { name: '填写表单', level: 3 })).toBeTruthy();
    expect(valueOf('联系电话')).toBe('13812345678');
    expect(valueOf('送达方式')).toBe('post');
    expect(valueOf('邮寄地址')).toBe('北京市西城区');
    expect(valueOf('收件人联系电话')).toBe('13812345678');
  });

  it('lists unfinished drafts on the queue; 继续办理 opens one where it was left', async () => {
    const { core, unmount } = await clerkHome();
    const draft = core.intake.seedDraft(clerkOf(core), SOCIAL_CARD, {
      step: 'materials',
      applicant: { name: '王芳', idNumber: '', source: 'manual' },
      counts: { photo: { original: 0, copy: 0, electronic: 0 } },
    });
    unmount();
    const user = userEvent.setup();
    renderOn(core);

    const table = await screen.findByRole('table', { name: '未完成的收件' });
    const row = within(table).getByRole('cell', { name: '王芳' }).closest('tr')!;
    expect(within(row).getByRole('cell', { name: '社会保障卡申领' })).toBeTruthy();
    expect(within(row).getByRole('cell', { name: '收取材料' })).toBeTruthy();
    await user.click(within(row).getByRole('button', { name: '继续办理' }));

    expect(await screen.findByRole('heading', { name: '收取材料', level: 3 })).toBeTruthy();
    expect(screen.getByRole('button', { name: '收取材料' }).getAttribute('aria-current')).toBe('step');
    expect(window.sessionStorage.getItem('tongban.intake.openDraft')).toBe(draft.id);
  });

  it('says when a save failed, keeps the typing and saves it on retry', async () => {
    const { user, core } = await startSocialCard();
    core.intake.failSaves = 1;
    await user.keyboard('赵敏');
    const alert = await screen.findByText(/自动保存失败：磁盘空间不足/);
    expect(valueOf('姓名')).toBe('赵敏');
    await user.click(within(alert.parentElement!).getByRole('button', { name: '重试保存' }));
    expect(await screen.findByText('已自动保存')).toBeTruthy();
    expect(onlyDraft(core).state.applicant.name).toBe('赵敏');
  });

  it('discards a draft only after confirmation', async () => {
    const { user, core } = await startSocialCard();
    await user.click(screen.getByRole('button', { name: '放弃草稿' }));
    const dialog = screen.getByRole('alertdialog');
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: '取消' }));
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(core.intake.drafts.size).toBe(1);

    await user.click(screen.getByRole('button', { name: '放弃草稿' }));
    await user.click(screen.getByRole('button', { name: '确认放弃' }));
    expect(await screen.findByRole('button', { name: /新建收件/ })).toBeTruthy();
    expect(core.intake.drafts.size).toBe(0);
  });
});

describe('materials', () => {
  it('takes images and PDFs, refuses other files at that material, and counts the electronic copies', async () => {
    const { core } = await startSocialCard();
    const user = userEvent.setup({ applyAccept: false });
    await user.keyboard('{Alt>}3{/Alt}');
    const idCard = await screen.findByRole('group', { name: '申请人居民身份证' });
    expect(within(idCard).getByRole('complementary', { name: /审查要点/ }).textContent).toContain('证件在有效期内');

    await user.click(within(idCard).getByRole('button', { name: '按应交份数收齐' }));
    expect((within(idCard).getByLabelText('原件') as HTMLInputElement).value).toBe('1');

    await user.upload(within(idCard).getByLabelText('上传文件'), [
      new File([pngBytes() as Uint8Array<ArrayBuffer>], '身份证正面.png', { type: 'image/png' }),
      new File(['这不是图片'], '说明.txt', { type: 'text/plain' }),
    ]);
    expect(
      await within(idCard).findByText('文件“说明.txt”不是图片或 PDF，未收取。请扫描或上传图片、PDF 文件。'),
    ).toBeTruthy();
    expect(within(idCard).getByText('身份证正面.png')).toBeTruthy();
    expect(within(idCard).getByText(/^PNG · /)).toBeTruthy();
    expect((within(idCard).getByLabelText('原件') as HTMLInputElement).value).toBe('1');
    expect((within(idCard).getByLabelText('电子件') as HTMLInputElement).value).toBe('1');
    expect(onlyDraft(core).files.map((f) => f.name)).toEqual(['身份证正面.png']);

    await user.click(within(idCard).getByRole('button', { name: '预览“身份证正面.png”' }));
    const image = await within(idCard).findByRole('img', { name: '“身份证正面.png”预览' });
    expect(image.getAttribute('src')).toMatch(/^blob:/);

    const photo = screen.getByRole('group', { name: '近期免冠彩色证件照片' });
    await user.upload(within(photo).getByLabelText('上传文件'), [
      new File([pdfBytes() as Uint8Array<ArrayBuffer>], '照片.pdf', { type: 'application/pdf' }),
    ]);
    await within(photo).findByText('照片.pdf');
    await user.click(within(photo).getByRole('button', { name: '预览“照片.pdf”' }));
    expect((await within(photo).findByTitle('“照片.pdf”预览')).tagName).toBe('IFRAME');

    await user.click(within(photo).getByRole('button', { name: '移除“照片.pdf”' }));
    await waitFor(() => expect(within(photo).queryByText('照片.pdf')).toBeNull());
    await waitFor(() => expect(onlyDraft(core).state.counts.photo?.electronic).toBe(0));
  });
});

describe('focus after an upload', () => {
  it('moves to the next material’s upload, and from the last one to 下一步', async () => {
    const { user } = await startSocialCard();
    await user.keyboard('{Alt>}3{/Alt}');
    const idCard = await screen.findByRole('group', { name: '申请人居民身份证' });
    const uploads = screen.getAllByLabelText('上传文件');
    expect(uploads.length).toBeGreaterThan(1);
    const png = (name: string) => new File([pngBytes() as Uint8Array<ArrayBuffer>], name, { type: 'image/png' });

    await user.upload(within(idCard).getByLabelText('上传文件'), [png('身份证正面.png')]);
    await within(idCard).findByText('身份证正面.png');
    await waitFor(() => expect(document.activeElement).toBe(uploads[1]));

    await user.upload(uploads.at(-1)!, [png('最后一份.png')]);
    await screen.findByText('最后一份.png');
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('button', { name: '下一步' })));
  });

  it('stays on the material when the file was refused', async () => {
    const { core } = await startSocialCard();
    const user = userEvent.setup({ applyAccept: false });
    await user.keyboard('{Alt>}3{/Alt}');
    const idCard = await screen.findByRole('group', { name: '申请人居民身份证' });
    const upload = within(idCard).getByLabelText('上传文件');
    await user.upload(upload, [new File(['这不是图片'], '说明.txt', { type: 'text/plain' })]);
    await within(idCard).findByText(/不是图片或 PDF/);
    expect(document.activeElement).toBe(upload);
    expect(onlyDraft(core).files).toEqual([]);
  });
});

describe('previews by keyboard', () => {
  it('closes a file preview with Escape and lands back on its button', async () => {
    const { user } = await startSocialCard();
    await user.keyboard('{Alt>}3{/Alt}');
    const idCard = await screen.findByRole('group', { name: '申请人居民身份证' });
    await user.upload(within(idCard).getByLabelText('上传文件'), [
      new File([pngBytes() as Uint8Array<ArrayBuffer>], '身份证正面.png', { type: 'image/png' }),
    ]);
    const open = await within(idCard).findByRole('button', { name: '预览“身份证正面.png”' });
    open.focus();
    await user.keyboard('{Enter}');
    expect(await within(idCard).findByRole('img', { name: '“身份证正面.png”预览' })).toBeTruthy();
    const close = within(idCard).getByRole('button', { name: '关闭预览' });
    expect(close.getAttribute('aria-keyshortcuts')).toBe('Escape');

    await user.keyboard('{Escape}');
    expect(within(idCard).queryByRole('img', { name: '“身份证正面.png”预览' })).toBeNull();
    expect(document.activeElement).toBe(within(idCard).getByRole('button', { name: '预览“身份证正面.png”' }));
  });
});

describe('materials: chunked uploads', () => {
  it('states the per-file limit, refuses a larger file before sending a byte, and shows each file’s progress', async () => {
    const { core } = await startSocialCard();
    core.intake.uploadLimit = 5 * 1024 * 1024;
    core.intake.uploadChunkBytes = 1024;
    const user = userEvent.setup({ applyAccept: false });
    await user.keyboard('{Alt>}3{/Alt}');
    const idCard = await screen.findByRole('group', { name: '申请人居民身份证' });
    await within(idCard).findByText(/单个文件不超过 5\.0 MB。/);

    const tooBig = new File([new Uint8Array(6 * 1024 * 1024)], '全本.png', { type: 'image/png' });
    await user.upload(within(idCard).getByLabelText('上传文件'), [tooBig]);
    expect(
      await within(idCard).findByText(
        '文件“全本.png”大小为 6.0 MB，超过单个文件上限 5.0 MB，未上传。请分成多个文件或降低扫描分辨率后再上传。',
      ),
    ).toBeTruthy();
    expect(core.methodsCalled()).not.toContain('uploads.begin');

    const bytes = new Uint8Array(4096);
    bytes.set(pngBytes(), 0);
    const first = deferred();
    core.intake.chunkGate = first.promise;
    await user.upload(within(idCard).getByLabelText('上传文件'), [
      new File([bytes], '身份证正面.png', { type: 'image/png' }),
    ]);
    const bar = await within(idCard).findByRole('progressbar', { name: '正在上传“身份证正面.png”' });
    expect(bar.getAttribute('aria-valuenow')).toBe('0');
    expect(bar.tabIndex).toBe(0);

    const second = deferred();
    core.intake.chunkGate = second.promise;
    first.resolve();
    await waitFor(() => expect(bar.getAttribute('aria-valuenow')).toBe('25'));
    expect(bar.getAttribute('aria-valuetext')).toBe('1.0 KB / 4.0 KB（25%）');

    core.intake.chunkGate = null;
    second.resolve();
    await within(idCard).findByText('身份证正面.png');
    expect(within(idCard).queryByRole('progressbar')).toBeNull();
    // Read and sent in slices of the chunk size the core named, in order.
    expect(core.intake.chunks).toEqual([0, 1024, 2048, 3072].map((offset) => ({ offset, length: 1024 })));
    expect(onlyDraft(core).files).toEqual([expect.objectContaining({ name: '身份证正面.png', size: 4096 })]);
  });
});

describe('formal review and sealing', () => {
  async function draftInReview(changes: (patch: ReturnType<typeof completeSocialCard>) => void = () => {}) {
    const app = await clerkHome();
    const patch = completeSocialCard();
    changes(patch);
    const draft = app.core.intake.seedDraft(clerkOf(app.core), SOCIAL_CARD, patch);
    app.core.intake.seedFile(draft.id, 'applicant-id-card', '身份证.png', pngBytes(), 'image/png');
    app.unmount();
    window.sessionStorage.setItem('tongban.intake.openDraft', draft.id);
    renderOn(app.core);
    await screen.findByRole('heading', { name: '形式审查', level: 3 });
    return { ...app, draft };
  }

  it('says plainly when the window does not receive, and offers no 封装 and no notice', async () => {
    const { user } = await draftInReview((patch) => {
      patch.homeRegionCode = '710101'; // a home region no route of the item serves
    });
    await user.click(screen.getByRole('button', { name: '开始审查' }));
    expect(await screen.findByRole('heading', { name: '审查结论：本窗口不收件' })).toBeTruthy();
    expect(screen.getByText(/不收件、不出具任何文书/)).toBeTruthy();
    expect(screen.getAllByText('不收件').length).toBeGreaterThan(0); // the finding's tag
    expect(screen.queryByRole('button', { name: '封装' })).toBeNull();
  });

  it('receives with a 受理条件 the clerk found unmet, listing it as forwarded to the department', async () => {
    const { user, core, draft } = await draftInReview((patch) => {
      patch.conditions = { ...patch.conditions, insured: 'notMet' };
    });
    core.intake.seedFile(draft.id, 'photo', '照片.png', pngBytes(), 'image/png');
    await user.click(screen.getByRole('button', { name: '开始审查' }));
    expect(await screen.findByRole('heading', { name: '审查结论：收件' })).toBeTruthy();
    expect(screen.getByText(/以下事项属实质审查，由审批部门判断，本窗口记录后随件报送（共 1 项）/)).toBeTruthy();
    expect(screen.getAllByText('转审批部门').length).toBeGreaterThan(0);
    expect(screen.getByRole('button', { name: '封装' })).toBeTruthy();
  });

  it('lists every finding, grouped, and lets a finding be set aside only with a long enough reason', async () => {
    const { user, core, draft } = await draftInReview((patch) => {
      patch.conditions = { insured: 'met' };
      patch.answers = { ...patch.answers, phone: '1381234' };
    });
    const expected = await createApiClient(core.transport).call('drafts.review', { id: draft.id });
    expect(expected.outcome).toBe('correction');
    expect(expected.findings.length).toBeGreaterThanOrEqual(3);

    await user.click(screen.getByRole('button', { name: '开始审查' }));
    expect(await screen.findByRole('heading', { name: '审查结论：补正' })).toBeTruthy();
    expect(screen.getByRole('heading', { name: `审查意见（共 ${expected.findings.length} 条）` })).toBeTruthy();
    for (const finding of expected.findings) expect(screen.getByText(finding.message)).toBeTruthy();
    expect(screen.getByText(/^补正期限：2026-03-17（5 个工作日）/)).toBeTruthy();

    const photo = screen.getByRole('region', { name: '材料《近期免冠彩色证件照片》' });
    expect(within(photo).getByText('缺少申请材料《近期免冠彩色证件照片》。')).toBeTruthy();
    await user.click(within(photo).getByRole('button', { name: '忽略并说明理由' }));
    const reason = within(photo).getByLabelText('忽略理由');
    expect(document.activeElement).toBe(reason);
    await user.keyboard('现场拍照');
    const confirm = within(photo).getByRole('button', { name: '确认忽略' }) as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    expect(within(photo).getByText('写明依据或核实情况，至少 10 个字（已写 4 个字）。')).toBeTruthy();
    await user.keyboard('，照片由窗口现场采集后补传');
    expect(confirm.disabled).toBe(false);
    await user.click(confirm);

    expect(await within(photo).findByText('已忽略，理由：现场拍照，照片由窗口现场采集后补传')).toBeTruthy();
    expect(onlyDraft(core).state.overrides).toEqual([
      { findingKey: 'material.missing:photo', reason: '现场拍照，照片由窗口现场采集后补传' },
    ]);
    // Review ran again: nothing is left for the applicant to bring; the clerk's own slips
    // (an unticked condition, a short phone number) hold 封装 back and are marked as the window's.
    expect(await screen.findByRole('heading', { name: '审查结论：收件' })).toBeTruthy();
    expect(screen.getByText(/有 2 项是窗口录入、确认或扫描的问题/)).toBeTruthy();
    expect((screen.getByRole('button', { name: /^封装/ }) as HTMLButtonElement).disabled).toBe(true);
    const phone = screen.getByRole('region', { name: '表单“联系电话”' });
    expect(within(phone).getByText('窗口更正')).toBeTruthy();
    expect(within(phone).queryByText(/^需补正/)).toBeNull();
  });

  it('after review lands on the first finding still standing, and on 封装 when none is left', async () => {
    const { user, core, draft } = await draftInReview();
    await user.click(screen.getByRole('button', { name: '开始审查' }));
    await screen.findByRole('heading', { name: '审查结论：补正' });
    const photo = screen.getByRole('region', { name: '材料《近期免冠彩色证件照片》' });
    await waitFor(() => expect(document.activeElement).toBe(within(photo).getByRole('listitem')));

    core.intake.seedFile(draft.id, 'photo', '照片.png', pngBytes(), 'image/png');
    await user.click(screen.getByRole('button', { name: '开始审查' }));
    await screen.findByRole('heading', { name: '审查结论：收件' });
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('button', { name: '封装' })));
  });

  it('reviews with Alt+R from any step, even typing in a field, and seals with Alt+S then Enter', async () => {
    const { user, core, draft } = await draftInReview();
    core.intake.seedFile(draft.id, 'photo', '照片.png', pngBytes(), 'image/png');
    const run = screen.getByRole('button', { name: '开始审查' });
    expect(run.getAttribute('aria-keyshortcuts')).toBe('Alt+R');
    expect(run.textContent).toContain('Alt+R');

    await user.keyboard('{Alt>}2{/Alt}');
    await screen.findByRole('heading', { name: '填写表单', level: 3 });
    expect(document.activeElement?.tagName).toBe('INPUT');
    await user.keyboard('{Alt>}r{/Alt}');
    expect(await screen.findByRole('heading', { name: '审查结论：收件' })).toBeTruthy();
    const seal = screen.getByRole('button', { name: '封装' });
    expect(seal.getAttribute('aria-keyshortcuts')).toBe('Alt+S');

    await user.keyboard('{Alt>}s{/Alt}');
    const dialog = screen.getByRole('alertdialog');
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: '确认封装' }));
    await user.keyboard('{Enter}');
    expect(await screen.findByRole('heading', { name: '已封装', level: 3 })).toBeTruthy();
  });

  it('holds 封装 while a material file is still uploading, says why, and a finished upload asks for a new review', async () => {
    const { user, core, draft } = await draftInReview();
    core.intake.seedFile(draft.id, 'photo', '照片.png', pngBytes(), 'image/png');
    core.intake.uploadChunkBytes = 1024;
    await user.keyboard('{Alt>}3{/Alt}');
    const photo = await screen.findByRole('group', { name: '近期免冠彩色证件照片' });
    const bytes = new Uint8Array(4096);
    bytes.set(pngBytes(), 0);
    const gate = deferred();
    core.intake.chunkGate = gate.promise;
    await user.upload(within(photo).getByLabelText('上传文件'), [
      new File([bytes], '照片背面.png', { type: 'image/png' }),
    ]);
    await within(photo).findByRole('progressbar');

    // On to review while it travels: the review runs, 封装 waits and says why.
    await user.keyboard('{Alt>}4{/Alt}');
    await user.click(await screen.findByRole('button', { name: '开始审查' }));
    await screen.findByRole('heading', { name: '审查结论：收件' });
    const seal = screen.getByRole('button', { name: '封装' });
    expect((seal as HTMLButtonElement).disabled).toBe(true);
    const why = screen.getByText('还有 1 个材料文件正在上传，上传完成后才能封装。');
    expect(seal.getAttribute('aria-describedby')).toBe(why.id);
    await user.keyboard('{Alt>}s{/Alt}');
    expect(screen.queryByRole('alertdialog')).toBeNull();

    core.intake.chunkGate = null;
    gate.resolve();
    // The new file makes the review stale; reviewed again, 封装 is free.
    await screen.findByText('审查之后信息已有更改，请重新审查。');
    expect(screen.queryByText(/正在上传，上传完成后才能封装/)).toBeNull();
    await user.click(screen.getByRole('button', { name: '开始审查' }));
    await waitFor(() =>
      expect((screen.getByRole('button', { name: '封装' }) as HTMLButtonElement).disabled).toBe(false),
    );
    expect(
      onlyDraft(core)
        .files.map((f) => f.name)
        .sort(),
    ).toEqual(['照片.png', '照片背面.png', '身份证.png']);
  });

  it('asks before sealing, then shows the packet and its documents with preview and download', async () => {
    const { user, core, draft } = await draftInReview();
    core.intake.seedFile(draft.id, 'photo', '照片.png', pngBytes(), 'image/png');
    await user.click(screen.getByRole('button', { name: '开始审查' }));
    expect(await screen.findByRole('heading', { name: '审查结论：收件' })).toBeTruthy();
    expect(screen.getByText('承诺办结期限：2026-03-24（10 个工作日）')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: '封装' }));
    const dialog = screen.getByRole('alertdialog');
    // 收受分离: the window receives; 受理 is the department's (no 委托受理 in the fake catalog).
    expect(dialog.textContent).toContain('审查结论为“收件”，将出具：《申请材料接收凭证》');
    expect(dialog.textContent).not.toContain('受理通知书');
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: '确认封装' }));
    await user.keyboard('{Enter}');

    const sealed = await screen.findByRole('heading', { name: '已封装', level: 3 });
    expect(document.activeElement).toBe(sealed);
    expect(screen.getByText(draft.id)).toBeTruthy();
    const documents = within(screen.getByRole('list', { name: '出具的文书' })).getAllByRole('listitem');
    expect(documents.map((d) => d.querySelector('.document-title')?.textContent)).toEqual(['《申请材料接收凭证》']);
    const packet = core.intake.packets[0]!;
    // The 查询号 the clerk reads out to the applicant, beside the packet's id.
    expect(screen.getByText('查询号', { selector: 'dt' }).nextElementSibling!.textContent).toBe(packet.trackingCode);
    const download = await within(documents[0]!).findByRole('link', { name: '下载《申请材料接收凭证》' });
    expect(download.getAttribute('download')).toBe(`${packet.documents[0]!.number}.pdf`);
    expect(download.getAttribute('href')).toMatch(/^blob:/);
    // 打印 beside them (tests/renderer/print-documents.test.tsx follows the print itself).
    expect(within(documents[0]!).getByRole('button', { name: '打印《申请材料接收凭证》' }).textContent).toBe('打印');
    await user.click(within(documents[0]!).getByRole('button', { name: '预览《申请材料接收凭证》' }));
    expect(within(documents[0]!).getByTitle(`申请材料接收凭证（${packet.documents[0]!.number}）预览`).tagName).toBe(
      'IFRAME',
    );
    await user.keyboard('{Escape}');
    expect(within(documents[0]!).queryByTitle(`申请材料接收凭证（${packet.documents[0]!.number}）预览`)).toBeNull();
    expect(document.activeElement).toBe(
      within(documents[0]!).getByRole('button', { name: '预览《申请材料接收凭证》' }),
    );
    expect(core.intake.drafts.size).toBe(0);
    expect(window.sessionStorage.getItem('tongban.intake.openDraft')).toBeNull();

    await user.click(screen.getByRole('button', { name: '返回今日队列' }));
    const table = await screen.findByRole('table', { name: '今日已封装' });
    const row = within(table).getByRole('cell', { name: '张伟' }).closest('tr')!;
    expect(within(row).getByRole('cell', { name: '收件' })).toBeTruthy();
    // Received: on its way to the department it was routed to, with the decision deadline.
    expect(within(row).getByText('待报送')).toBeTruthy();
    expect(within(row).getByText('报送至：演示审批部门')).toBeTruthy();
    expect(within(row).getByText('2026-03-24')).toBeTruthy();
    expect(core.sync.entries.map((e) => [e.packetId, e.departmentId])).toEqual([[packet.packetId, 'demo-dept']]);
    expect(within(row).queryByRole('button', { name: '补正续办' })).toBeNull();
  });

  it('warns of a name character the documents cannot print and seals only once the clerk confirms it', async () => {
    const name = '张\u{F0000}';
    const { user, core, draft } = await draftInReview((patch) => {
      patch.applicant = { ...patch.applicant!, name };
      patch.answers = { ...patch.answers, applicantName: name };
    });
    core.intake.seedFile(draft.id, 'photo', '照片.png', pngBytes(), 'image/png');
    await user.click(screen.getByRole('button', { name: '开始审查' }));
    expect(await screen.findByRole('heading', { name: '审查结论：收件' })).toBeTruthy();
    const applicant = screen.getByRole('region', { name: '申请人身份' });
    expect(applicant.textContent).toContain('提示');
    expect(applicant.textContent).toContain(
      '申请人姓名中的“\u{F0000}”（U+F0000）在文书字体中没有字形，打印出的文书上将是空白方框',
    );

    await user.click(screen.getByRole('button', { name: '封装' }));
    const dialog = screen.getByRole('alertdialog');
    expect(dialog.textContent).toContain('注意：“\u{F0000}”（U+F0000）在文书字体中没有字形');
    // A wrong document is at stake: the safe choice has the focus.
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: '取消' }));
    await user.click(within(dialog).getByRole('button', { name: '确认封装' }));
    expect(await screen.findByRole('heading', { name: '已封装', level: 3 })).toBeTruthy();
    expect(core.intake.sealInputs).toEqual([{ id: draft.id, confirmUnprintable: ['\u{F0000}'] }]);
  });

  it('seals a 补正 with its notice; the queue offers 补正续办, which opens a new version', async () => {
    const { user, core } = await draftInReview();
    await user.click(screen.getByRole('button', { name: '开始审查' }));
    await screen.findByRole('heading', { name: '审查结论：补正' });
    await user.click(screen.getByRole('button', { name: '封装' }));
    expect(screen.getByRole('alertdialog').textContent).toContain('《补正材料通知书》');
    await user.click(screen.getByRole('button', { name: '确认封装' }));
    await screen.findByRole('heading', { name: '已封装', level: 3 });
    await user.click(screen.getByRole('button', { name: '返回今日队列' }));

    const table = await screen.findByRole('table', { name: '今日已封装' });
    const row = within(table).getByRole('cell', { name: '张伟' }).closest('tr')!;
    expect(within(row).getByText('已出具补正告知')).toBeTruthy();
    expect(core.sync.entries).toEqual([]); // a window 补正 never travels
    await user.click(within(row).getByRole('button', { name: '查看《补正材料通知书》' }));
    expect(await screen.findByRole('link', { name: '下载《补正材料通知书》' })).toBeTruthy();

    await user.click(within(row).getByRole('button', { name: '补正续办' }));
    expect(await screen.findByText(/^补正续办：原收件包/)).toBeTruthy();
    expect(screen.getByRole('heading', { name: '申请人', level: 3 })).toBeTruthy();
    expect(valueOf('姓名')).toBe('张伟');
    const resubmission = onlyDraft(core);
    expect(resubmission.previous).toEqual({ packetId: core.intake.packets[0]!.packetId, version: 1 });
  });
});
