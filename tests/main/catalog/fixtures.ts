// Small, complete catalogs for tests: one item that uses every kind of field, material
// and condition, one item for companies, and signing keys made on the spot.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signCatalog, type TrustedKey } from '../../../src-main/catalog/catalog-file.ts';
import type { WorkingCalendar } from '../../../src-main/common/working-calendar.ts';
import { loadWorkingCalendar } from '../../../src-main/calendar/calendar-files.ts';

export const ASSETS = fileURLToPath(new URL('../../../assets', import.meta.url));
export const SEED_FILE = join(ASSETS, 'catalog', 'seed-catalog.json');
export const DEMO_KEY_FILE = join(ASSETS, 'catalog', 'demo-signer.pub.json');

export const shippedCalendar = (): WorkingCalendar => loadWorkingCalendar(join(ASSETS, 'calendar'));
export const seedText = (): string => readFileSync(SEED_FILE, 'utf8');
export const demoKey = (): TrustedKey => JSON.parse(readFileSync(DEMO_KEY_FILE, 'utf8')) as TrustedKey;

type Json = Record<string, unknown>;

const agentMaterials = [
  {
    id: 'authorisation-letter',
    name: '授权委托书',
    requirement: { kind: 'agent' },
    role: 'authorisation',
    counts: { original: 1, electronic: 1 },
    medium: 'paper',
    sourceChannel: 'applicant',
    reviewPoints: ['有委托人签名'],
  },
  {
    id: 'agent-id-card',
    name: '代办人居民身份证',
    requirement: { kind: 'agent' },
    role: 'agentIdentity',
    counts: { original: 1, electronic: 1 },
    medium: 'either',
    sourceChannel: 'government',
    reviewPoints: ['在有效期内'],
  },
];

/** 户口迁移（夫妻投靠）-like: every field type, a conditional material, agents, routes by prefix. */
export function personItem(overrides: Json = {}): Json {
  return {
    code: 'TEST-HK-0001',
    name: '户口迁移（夫妻投靠）',
    keywords: ['投靠配偶', '户口迁移'],
    legalBasis: ['《中华人民共和国户口登记条例》第十条'],
    competentAuthority: '公安机关',
    implementingAuthority: '迁入地公安机关',
    mode: 'joint',
    serviceObjects: ['person'],
    routing: [
      { regionPrefix: '11', departmentId: 'bj' },
      { regionPrefix: '44', departmentId: 'gd' },
      { regionPrefix: '4403', departmentId: 'sz' },
    ],
    acceptanceConditions: [
      { id: 'married', text: '申请人与迁入地户籍人员存在合法婚姻关系' },
      { id: 'policy', text: '符合迁入地落户政策' },
    ],
    refusalConditions: [
      {
        id: 'done-elsewhere',
        when: { field: 'doneElsewhere', truthy: true },
        reason: '同一事项已在其他窗口受理，不得重复申请。',
        legalBasis: '《中华人民共和国户口登记条例》第十条',
      },
    ],
    timeLimits: { legalDays: 20, committedDays: 10 },
    fees: { charged: false, description: '不收费' },
    visits: 1,
    fields: [
      {
        key: 'applicantName',
        label: '申请人姓名',
        type: 'text',
        required: true,
        prefill: 'idCard.name',
        validation: { maxLength: 30 },
      },
      { key: 'applicantIdNumber', label: '公民身份号码', type: 'idNumber', required: true, prefill: 'idCard.idNumber' },
      {
        key: 'sex',
        label: '性别',
        type: 'select',
        required: true,
        prefill: 'idCard.sex',
        options: [
          { value: 'male', label: '男' },
          { value: 'female', label: '女' },
        ],
      },
      {
        key: 'birthDate',
        label: '出生日期',
        type: 'date',
        required: true,
        prefill: 'idCard.birthDate',
        validation: { notFuture: true },
      },
      { key: 'phone', label: '联系电话', type: 'phone', required: true },
      { key: 'fromRegion', label: '迁出地', type: 'regionCode', required: true },
      { key: 'postalCode', label: '邮政编码', type: 'postalCode' },
      { key: 'employerCode', label: '工作单位统一社会信用代码', type: 'creditCode' },
      { key: 'married', label: '已婚', type: 'boolean', required: true },
      { key: 'spouseName', label: '配偶姓名', type: 'text', required: true, when: { field: 'married', truthy: true } },
      {
        key: 'marriageDate',
        label: '结婚登记日期',
        type: 'date',
        required: true,
        when: { field: 'married', truthy: true },
        validation: { notFuture: true },
      },
      { key: 'children', label: '随迁子女人数', type: 'number', required: true, validation: { min: 0, max: 6 } },
      {
        key: 'bankAccount',
        label: '银行卡号',
        type: 'text',
        validation: { pattern: '\\d{12,19}', patternMessage: '银行卡号为12至19位数字' },
      },
      { key: 'remark', label: '备注', type: 'textarea', validation: { minLength: 4, maxLength: 20 } },
      { key: 'doneElsewhere', label: '已在其他窗口申请', type: 'boolean', required: true },
    ],
    materials: [
      {
        id: 'applicant-id-card',
        name: '申请人居民身份证',
        requirement: { kind: 'required' },
        counts: { original: 1, electronic: 1 },
        medium: 'either',
        sourceChannel: 'government',
        reviewPoints: ['在有效期内'],
      },
      {
        id: 'marriage-certificate',
        name: '结婚证',
        requirement: { kind: 'conditional', when: { field: 'married', truthy: true }, description: '已婚的' },
        counts: { original: 1, copy: 1, electronic: 1 },
        medium: 'paper',
        sourceChannel: 'government',
        reviewPoints: ['持证人为申请人及其配偶'],
      },
      {
        id: 'children-birth-certificate',
        name: '随迁子女出生医学证明',
        requirement: { kind: 'conditional', when: { field: 'children', truthy: true }, description: '有随迁子女的' },
        counts: { copy: 1 },
        medium: 'paper',
        sourceChannel: 'government',
        reviewPoints: ['父母姓名与申请人一致'],
      },
      ...agentMaterials,
    ],
    ...overrides,
  };
}

/** 个体工商户变更登记-like: for companies, with company prefills. */
export function companyItem(overrides: Json = {}): Json {
  return {
    code: 'TEST-SC-0001',
    name: '个体工商户变更登记',
    keywords: ['个体户变更'],
    legalBasis: ['《中华人民共和国市场主体登记管理条例》第二十四条'],
    competentAuthority: '市场监督管理部门',
    implementingAuthority: '登记机关',
    mode: 'proxy',
    serviceObjects: ['company'],
    routing: [{ regionPrefix: '11', departmentId: 'bj' }],
    timeLimits: { legalDays: 3, committedDays: 1 },
    fees: { charged: false, description: '不收费' },
    visits: 1,
    fields: [
      { key: 'businessName', label: '个体工商户名称', type: 'text', required: true, prefill: 'company.name' },
      {
        key: 'creditCode',
        label: '统一社会信用代码',
        type: 'creditCode',
        required: true,
        prefill: 'company.creditCode',
      },
    ],
    materials: [
      {
        id: 'business-licence',
        name: '营业执照',
        requirement: { kind: 'required' },
        counts: { original: 1 },
        medium: 'paper',
        sourceChannel: 'government',
        reviewPoints: ['统一社会信用代码一致'],
      },
      ...agentMaterials,
    ],
    ...overrides,
  };
}

export function catalogJson(version = 1, items: Json[] = [personItem(), companyItem()]): Json {
  return {
    format: 1,
    version,
    issuedAt: '2026-11-20T09:00:00+08:00',
    publisher: '测试审批部门',
    departments: [
      { id: 'bj', name: '北京市测试部门' },
      { id: 'gd', name: '广东省测试部门' },
      { id: 'sz', name: '深圳市测试部门' },
    ],
    items,
  };
}

export interface TestKey {
  privateKey: KeyObject;
  trusted: TrustedKey;
}

export function makeKey(keyId = 'test-dept-1'): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const x = String(publicKey.export({ format: 'jwk' }).x);
  return {
    privateKey,
    trusted: { keyId, algorithm: 'ed25519', owner: '测试审批部门', publicKeyJwk: { kty: 'OKP', crv: 'Ed25519', x } },
  };
}

export function signedText(catalog: Json, key: TestKey, keyId = key.trusted.keyId): string {
  return JSON.stringify(signCatalog(catalog, key.privateKey, keyId), null, 2);
}
