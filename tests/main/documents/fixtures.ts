// Realistic models of the four documents, as the intake service fills them.
import type {
  AcceptanceModel,
  CorrectionModel,
  MaterialRow,
  ReceiptModel,
  RefusalModel,
} from '../../../src-main/documents/model.ts';

const office = { name: '北京市西城区政务服务中心', window: '跨省通办专窗 3 号' };
const applicant = { name: '欧阳晓燕', idType: '居民身份证', idNumber: '11010219860315242X' };
const agent = { name: '李建国', idType: '居民身份证', idNumber: '130102197905061233' };
const contact = { clerk: '王芳', phone: '010-66012345' };

export const SOCIAL_SECURITY_CARD = { name: '社会保障卡申领', code: '11100000000013127D3000118024000' };
export const HUKOU_SPOUSE = { name: '户口迁移（夫妻投靠）', code: '11100000000013338W3000112001000' };

export const CARD_MATERIALS: MaterialRow[] = [
  { name: '居民身份证', required: '原件1份', received: '原件1份', note: '核验后退还' },
  { name: '近期免冠彩色证件照（白底，358×441像素）', required: 1, received: 1 },
  { name: '社会保障卡申领登记表', required: 1, received: 1 },
];

export function receipt(overrides: Partial<ReceiptModel> = {}): ReceiptModel {
  return {
    kind: 'receipt',
    number: 'xc-zwfw-W03-SJ-2026-000007',
    office,
    applicant,
    item: SOCIAL_SECURITY_CARD,
    receivedOn: '2026-11-25',
    issuedOn: '2026-11-25',
    materials: CARD_MATERIALS,
    contact,
    committedDeadline: { date: '2026-12-09', workingDays: 10, provisional: false },
    tracking: { number: '7K3M-Q9XD-4RW1' },
    department: '成都市锦江区医疗保障局',
    result: { name: '社会保障卡', delivery: '邮寄送达（四川省成都市锦江区红星路一段****，李**，尾号5678）' },
    fees: '不收费',
    consultPhone: '028-86661234',
    remedies: { reconsiderationBody: '成都市锦江区人民政府', court: '成都市锦江区人民法院' },
    ...overrides,
  };
}

/** 30 materials, some with long names that wrap in their cell. */
export function manyMaterials(count = 30): MaterialRow[] {
  return Array.from({ length: count }, (_, i) => ({
    name:
      i % 7 === 3
        ? `第${i + 1}项 婚姻关系证明材料（结婚证原件及复印件，复印件须与原件一致并由申请人签字确认“与原件一致”）`
        : `第${i + 1}项 申请材料`,
    required: i % 2 === 0 ? 1 : '原件1份、复印件1份',
    received: i % 2 === 0 ? 1 : '原件1份、复印件1份',
    ...(i % 5 === 0 ? { note: '已采集电子文件2个' } : {}),
  }));
}

export function acceptance(overrides: Partial<AcceptanceModel> = {}): AcceptanceModel {
  return {
    kind: 'acceptance',
    number: 'SL-110102-20261125-0003',
    office,
    applicant,
    agent,
    item: HUKOU_SPOUSE,
    receivedOn: '2026-11-25',
    issuedOn: '2026-11-25',
    materials: [
      { name: '迁入地居民户口簿', required: '原件1份', received: '原件1份' },
      { name: '结婚证', required: '原件1份、复印件1份', received: '原件1份、复印件1份' },
      { name: '被投靠人（配偶）居民身份证', required: '复印件1份', received: '复印件1份' },
      { name: '授权委托书', required: '原件1份', received: '原件1份', note: '代办' },
    ],
    decisionDeadline: { date: '2026-12-23', workingDays: 20, provisional: false },
    decidingDepartment: '河北省石家庄市公安局长安分局',
    contact,
    ...overrides,
  };
}

export function correction(overrides: Partial<CorrectionModel> = {}): CorrectionModel {
  return {
    kind: 'correction',
    number: 'BZ-110102-20261125-0002',
    office,
    applicant,
    item: HUKOU_SPOUSE,
    receivedOn: '2026-11-25',
    issuedOn: '2026-11-25',
    problems: [
      '未提交结婚证原件',
      '居民身份证号码校验码不符，可能有数字录入错误',
      '申请表中“迁入地址”与户口簿记载不一致',
    ],
    legalBasis: '《中华人民共和国行政许可法》第三十二条第一款第（四）项',
    toSupply: ['结婚证原件1份', '更正后的《户口迁移申请表》1份'],
    supplyBy: { date: '2026-12-02', workingDays: 5, provisional: false },
    contact,
    ...overrides,
  };
}

export function refusal(overrides: Partial<RefusalModel> = {}): RefusalModel {
  return {
    kind: 'refusal',
    number: 'BSL-110102-20261125-0001',
    office,
    applicant,
    item: HUKOU_SPOUSE,
    receivedOn: '2026-11-25',
    issuedOn: '2026-11-25',
    reasons: [
      {
        reason: '申请人与被投靠人结婚未满2年，不符合迁入地夫妻投靠落户条件',
        legalBasis: '《中华人民共和国行政许可法》第三十二条第一款第（二）项',
      },
    ],
    remedies: { reconsiderationBody: '北京市西城区人民政府', court: '北京市西城区人民法院' },
    contact,
    ...overrides,
  };
}
