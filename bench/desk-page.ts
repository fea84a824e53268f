// The clerk's steps in the browser that the Chromium benchmarks share (capture, recording),
// done through the UI as tests/e2e/flows.ts does them for the tests: accounts made through
// the contract, sign-in, a new 社会保障卡申领 chosen by its pinyin initials, the applicant
// typed, the form filled.
import type { Page } from 'playwright-core';
import { idCheckCharacter } from '../src-main/common/review/identifiers.ts';
import { caller, PASSWORD } from './desk.ts';
import { bootCore } from './support.ts';

/** An installer (`admin`) and a clerk (`clerk`) in a new data directory, made through the contract. */
export async function seedAccounts(dataDir: string): Promise<void> {
  const core = await bootCore(dataDir);
  const admin = caller(core.openConnection(() => undefined));
  await admin('auth.createFirstInstaller', { username: 'admin', displayName: '运维', password: PASSWORD });
  await admin('users.create', { username: 'clerk', displayName: '张窗口', role: 'clerk', password: PASSWORD });
  await core.close();
}

export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByLabel('密码').press('Enter');
}

/** The clerk signed in, a new 社会保障卡申领 opened on its applicant step. */
export async function openSocialSecurityCard(page: Page): Promise<void> {
  await signIn(page, 'clerk', PASSWORD);
  await page.getByRole('button', { name: '新建收件' }).click();
  await page.getByLabel('搜索事项').fill('sbk');
  await page.getByRole('listbox', { name: '事项搜索结果' }).getByRole('option').first().waitFor();
  await page.getByLabel('搜索事项').press('Enter');
  await page.getByRole('heading', { level: 2, name: '社会保障卡申领' }).waitFor();
}

export async function typeApplicant(page: Page): Promise<void> {
  await page.getByLabel('姓名', { exact: true }).fill('李小梅');
  await page.getByLabel('公民身份号码').fill(`51010419900307124${idCheckCharacter('51010419900307124')}`);
  await page.getByLabel('性别').selectOption({ label: '女' });
  await page.getByLabel('出生日期').fill('1990-03-07');
  await page.getByLabel('民族').selectOption({ label: '汉族' });
  await page.getByLabel('住址').fill('四川省成都市锦江区红星路一段1号');
  await page.getByLabel('业务属地行政区划代码').fill('510104');
}

/** 下一步 to the form, and its fields filled (staying there). */
export async function fillForm(page: Page): Promise<void> {
  await page.getByRole('button', { name: '下一步' }).click();
  await page.getByRole('heading', { level: 3, name: '填写表单' }).waitFor();
  await page.getByLabel('联系电话').fill('13812345678');
  await page.getByLabel('性别').selectOption({ label: '女' });
  await page.getByLabel('参保地').fill('510104');
  await page.getByLabel('申请人未满16周岁').selectOption({ label: '否' });
  await page.getByLabel('开通金融账户功能').selectOption({ label: '否' });
  await page.getByLabel('送达方式').selectOption({ label: '窗口领取' });
}

/** 下一步 to 收取材料. */
export async function toMaterials(page: Page): Promise<void> {
  await page.getByRole('button', { name: '下一步' }).click();
  await page.getByRole('heading', { level: 3, name: '收取材料' }).waitFor();
}
