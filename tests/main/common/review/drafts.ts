// Applications for the review specs: complete ones that pass every rule, to be
// broken one way at a time, over the test catalog's items and the shipped calendar.
import { Catalog, type ServiceItem } from '../../../../src-main/common/catalog.ts';
import { ApplicationDraft } from '../../../../src-main/common/application.ts';
import { reviewApplication, type ReviewOptions, type ReviewResult } from '../../../../src-main/common/review/review.ts';
import { catalogJson, companyItem, personItem, shippedCalendar } from '../../catalog/fixtures.ts';

export const calendar = shippedCalendar();
export const RECEIVED = '2026-03-10'; // a Tuesday

export const APPLICANT_ID = '110105199003071239'; // male, born 1990-03-07
export const AGENT_ID = '440306198506124522';
export const COMPANY_CODE = '91350100M000100Y43';

export function items(overrides: { person?: Record<string, unknown>; company?: Record<string, unknown> } = {}) {
  const catalog = Catalog.parse(catalogJson(1, [personItem(overrides.person), companyItem(overrides.company)]));
  return { person: catalog.items[0]!, company: catalog.items[1]! };
}

const jpeg = (name: string) => ({ name, mediaType: 'image/jpeg', size: 120_000 });
const pdf = (name: string) => ({ name, mediaType: 'application/pdf', size: 300_000 });

/** An application for 户口迁移（夫妻投靠） that nothing is wrong with. */
export function completeDraft(): ApplicationDraft {
  return ApplicationDraft.parse({
    itemCode: 'TEST-HK-0001',
    applicantKind: 'person',
    applicant: { name: '张伟', idNumber: APPLICANT_ID, sex: 'male', birthDate: '1990-03-07', source: 'idCard' },
    homeRegionCode: '440305',
    answers: {
      applicantName: '张伟',
      applicantIdNumber: APPLICANT_ID,
      sex: 'male',
      birthDate: '1990-03-07',
      phone: '13800138000',
      fromRegion: '110105',
      postalCode: '518000',
      employerCode: COMPANY_CODE,
      married: true,
      spouseName: '李娜',
      marriageDate: '2020-05-20',
      children: 0,
      bankAccount: '6222020200112233445',
      remark: '无特殊情况',
      doneElsewhere: false,
    },
    materials: [
      { materialId: 'applicant-id-card', original: 1, electronic: 1, files: [jpeg('身份证.jpg')] },
      { materialId: 'marriage-certificate', original: 1, copy: 1, electronic: 1, files: [pdf('结婚证.pdf')] },
    ],
    conditions: { married: 'met', policy: 'met' },
  });
}

/** The same for a company applicant of 个体工商户变更登记. */
export function companyDraft(): ApplicationDraft {
  return ApplicationDraft.parse({
    itemCode: 'TEST-SC-0001',
    applicantKind: 'company',
    applicant: { name: '王芳', idNumber: AGENT_ID, source: 'manual' },
    company: { name: '北京市朝阳区王芳便利店', creditCode: COMPANY_CODE },
    operatorRole: 'legalRepresentative',
    homeRegionCode: '110105',
    answers: { businessName: '北京市朝阳区王芳便利店', creditCode: COMPANY_CODE },
    materials: [{ materialId: 'business-licence', original: 1 }],
  });
}

export const withAgent = (draft: ApplicationDraft): ApplicationDraft => ({
  ...draft,
  agent: { name: '李娜', idNumber: AGENT_ID, source: 'idCard' },
  materials: [
    ...draft.materials,
    { materialId: 'authorisation-letter', original: 1, copy: 0, electronic: 1, files: [pdf('委托书.pdf')] },
    { materialId: 'agent-id-card', original: 1, copy: 0, electronic: 1, files: [jpeg('代办人身份证.jpg')] },
  ],
});

export function review(
  draft: ApplicationDraft,
  item: ServiceItem = items().person,
  options: Partial<ReviewOptions> = {},
): ReviewResult {
  return reviewApplication(item, draft, { calendar, receivedAt: RECEIVED, ...options });
}
