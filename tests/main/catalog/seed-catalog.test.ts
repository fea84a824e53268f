import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { verifyCatalogFile } from '../../../src-main/catalog/catalog-file.ts';
import type { Catalog, ServiceItem } from '../../../src-main/common/catalog.ts';
import { ApplicationDraft } from '../../../src-main/common/application.ts';
import { reviewApplication } from '../../../src-main/common/review/review.ts';
import { tempDir } from '../helpers.ts';
import { catalogJson, demoKey, seedText, shippedCalendar } from './fixtures.ts';

const seed = (): Catalog => verifyCatalogFile(seedText(), [demoKey()]).catalog;
const item = (name: string): ServiceItem => {
  const found = seed().items.find((i) => i.name === name);
  if (!found) throw new Error(`seed has no item ${name}`);
  return found;
};

describe('the shipped seed catalog', () => {
  it('is signed by the demo department key, valid and internally consistent', () => {
    const catalog = seed();
    expect(catalog.items.length).toBeGreaterThanOrEqual(20);
    expect(new Set(catalog.items.map((i) => i.code)).size).toBe(catalog.items.length);
  });

  it('holds the high-frequency items of the national 跨省通办 list', () => {
    const names = seed().items.map((i) => i.name);
    expect(names).toEqual(
      expect.arrayContaining([
        '社会保障卡申领',
        '异地就医登记备案',
        '企业职工基本养老保险关系转移接续',
        '住房公积金转移接续',
        '正常退休提取住房公积金',
        '户口迁移（工作调动）',
        '户口迁移（大中专院校录取）',
        '户口迁移（夫妻投靠）',
        '户口迁移（父母投靠子女）',
        '开具户籍类证明',
        '无犯罪记录证明',
        '居民身份证换领补领',
        '失业登记',
        '职业资格证书核验',
        '个体工商户变更登记',
        '内资企业及分支机构设立登记',
        '学历公证',
        '机动车驾驶证公证',
        '门诊慢特病费用跨省直接结算',
      ]),
    );
  });

  it("counts the housing fund's 3日 and the ID card's 60日 in calendar days, and prices the ID card by case", () => {
    expect(item('正常退休提取住房公积金').timeLimits.unit).toBe('calendar');
    expect(item('居民身份证换领补领').timeLimits).toMatchObject({ legalDays: 60, unit: 'calendar' });
    expect(item('户口迁移（工作调动）').timeLimits.unit).toBe('working');
    const fees = item('居民身份证换领补领').fees.items;
    expect(fees.find((f) => f.condition?.includes('损坏'))?.amountYuan).toBe(40);
    expect(fees.find((f) => f.condition?.includes('丢失'))?.amountYuan).toBe(40);
    expect(fees.find((f) => f.condition?.includes('有效期满'))?.amountYuan).toBe(20);
  });

  it("names each item's type, which names the department's decision after 受理", () => {
    expect(item('户口迁移（夫妻投靠）').itemType).toBe('permit');
    expect(item('内资企业及分支机构设立登记').itemType).toBe('permit');
    expect(item('社会保障卡申领').itemType).toBe('publicService');
    expect(item('学历公证').itemType).toBe('other');
  });

  it('says for every item what the window does and what the department does, the result and how it is delivered', () => {
    for (const entry of seed().items) {
      expect(entry.duties?.window.length, entry.name).toBeGreaterThan(0);
      expect(entry.duties?.department.length, entry.name).toBeGreaterThan(0);
      expect(entry.result?.delivery.length, entry.name).toBeGreaterThan(0);
      expect(entry.process.length, entry.name).toBeGreaterThan(0);
    }
  });

  it("lists a company's officers' and shareholders' documents, and carries the two newer transfer and withdrawal items", () => {
    const company = item('内资企业及分支机构设立登记');
    const names = company.materials.map((m) => m.name).join('；');
    expect(names).toMatch(/法定代表人、董事、监事和高级管理人员的任职文件/);
    expect(names).toMatch(/股东（发起人）的主体资格证明/);
    expect(company.notificationCommitment?.materials).toEqual(['domicile-proof']);
    expect(item('基本医疗保险关系转移接续').materials.some((m) => m.name === '基本医疗保险参保凭证')).toBe(true);
    expect(item('偿还购房贷款本息提取住房公积金').keywords).toContain('公积金偿还贷款提取');
  });

  it('gives every material its review key points and every item a legal basis and time limits', () => {
    for (const entry of seed().items) {
      expect(entry.legalBasis.length, entry.name).toBeGreaterThan(0);
      expect(entry.timeLimits.committedDays, entry.name).toBeLessThanOrEqual(entry.timeLimits.legalDays);
      for (const material of entry.materials) expect(material.reviewPoints.length, material.name).toBeGreaterThan(0);
    }
  });

  it('asks for an authorisation letter and the agent’s ID only when an agent applies', () => {
    const letter = item('无犯罪记录证明').materials.find((m) => m.role === 'authorisation');
    expect(letter).toMatchObject({ name: '授权委托书', requirement: { kind: 'agent' } });
    // New ID cards need the applicant's own portrait and fingerprints: no agent.
    expect(item('居民身份证换领补领').agentAllowed).toBe(false);
  });

  it('asks for the marriage certificate in 夫妻投靠, and for conditional materials by the answers', () => {
    const marriage = item('户口迁移（夫妻投靠）').materials.find((m) => m.name === '结婚证');
    expect(marriage?.requirement.kind).toBe('required');
    const children = item('户口迁移（夫妻投靠）').materials.find((m) => m.id === 'children-birth-certificate');
    expect(children?.requirement).toMatchObject({ kind: 'conditional', when: { field: 'withChildren', truthy: true } });
  });

  it('can be reviewed item by item from an empty draft: every required material asked of the applicant, every required field of the window', () => {
    const calendar = shippedCalendar();
    for (const entry of seed().items) {
      const draft = ApplicationDraft.parse({
        itemCode: entry.code,
        applicantKind: entry.serviceObjects[0],
        applicant: { name: '', idNumber: '', source: 'manual' },
        homeRegionCode: '110105',
      });
      const result = reviewApplication(entry, draft, { calendar, receivedAt: '2026-03-10' });
      expect(result.outcome, entry.name).toBe('correction');
      const keys = result.correction!.items.map((i) => i.findingKey);
      for (const material of entry.materials.filter((m) => m.requirement.kind === 'required')) {
        expect(keys, entry.name).toContain(`material.missing:${material.id}`);
      }
      for (const field of entry.fields.filter((f) => f.required && !f.when)) {
        expect(result.windowFixes, entry.name).toContain(`field.required:${field.key}`);
        expect(keys, entry.name).not.toContain(`field.required:${field.key}`);
      }
    }
  });

  it('prefills name and ID number from the ID card', () => {
    const fields = item('社会保障卡申领').fields;
    expect(fields.find((f) => f.prefill === 'idCard.name')?.required).toBe(true);
    expect(fields.find((f) => f.prefill === 'idCard.idNumber')?.type).toBe('idNumber');
  });
});

describe('sign-catalog command', () => {
  const cli = fileURLToPath(new URL('../../../src-main/catalog/sign-catalog.ts', import.meta.url));
  const run = (...args: string[]) => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], { encoding: 'utf8' });
    return { status: result.status, out: result.stdout + result.stderr };
  };

  it('makes a key pair, signs a catalog with it and verifies the result as a window would', () => {
    const dir = tempDir();
    const [priv, pub, input, output] = ['dept.pem', 'dept.pub.json', 'catalog.json', 'signed.json'].map((n) =>
      join(dir, n),
    );
    expect(
      run('generate-key', '--key-id', 'dept-x', '--owner', '某市审批部门', '--private', priv!, '--public', pub!).status,
    ).toBe(0);
    expect(statSync(priv!).mode & 0o777).toBe(0o600);
    writeFileSync(input!, JSON.stringify(catalogJson(7)));
    expect(run('sign', '--key', priv!, '--key-id', 'dept-x', '--in', input!, '--out', output!).status).toBe(0);
    const verified = run('verify', '--trusted', pub!, '--in', output!);
    expect(verified).toMatchObject({ status: 0 });
    expect(verified.out).toContain('catalog version 7');

    // Re-signing a signed file in place signs its catalog again.
    expect(run('sign', '--key', priv!, '--key-id', 'dept-x', '--in', output!, '--out', output!).status).toBe(0);
    expect(JSON.parse(readFileSync(output!, 'utf8')).catalog.version).toBe(7);
  });

  it('refuses to sign a catalog that is not valid, and says why', () => {
    const dir = tempDir();
    const [priv, pub, input] = ['k.pem', 'k.pub.json', 'bad.json'].map((n) => join(dir, n));
    run('generate-key', '--key-id', 'k', '--owner', 'x', '--private', priv!, '--public', pub!);
    writeFileSync(input!, JSON.stringify({ ...catalogJson(1), version: 0 }));
    const result = run('sign', '--key', priv!, '--key-id', 'k', '--in', input!, '--out', join(dir, 'out.json'));
    expect(result.status).toBe(1);
    expect(result.out).toContain('catalog.invalid');
  });
});
