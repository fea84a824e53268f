// The three notices: 受理通知书, 补正材料通知书 (一次性告知), 不予受理通知书. Each
// is a letter to the applicant: title, number, salutation, body, seal and date.
import { WIDE_SPACE, chineseNumeral, formatDueDate, sentence } from './format.ts';
import type { Composer } from './layout.ts';
import {
  type AcceptanceModel,
  type CorrectionModel,
  DOCUMENT_TITLES,
  type DueDate,
  type RefusalModel,
} from './model.ts';
import {
  BODY,
  applicationPhrase,
  body,
  indent,
  materialsTable,
  numberLine,
  numbered,
  salutation,
  APPLICANT_SIGNS,
  sealArea,
  signatures,
  title,
} from './parts.ts';

/** The sentence 行政许可法 §32 (五) asks for when an application is accepted. */
export const ACCEPTANCE_SENTENCE = '材料齐全，符合法定形式，现予受理';
/** What happens when the applicant does not supply the corrections in time. */
export const CORRECTION_LAPSE = '逾期视为放弃';
/** Under the 补正 title: every problem is told at once (行政许可法 §32 (四)). */
export const CORRECTION_SUBTITLE = '（一次性告知）';
/** The one item of 需补正的材料 when only the form needs correcting. */
export const NOTHING_TO_SUPPLY = '无需补交材料，请按上述问题更正申请表内容。';

/** By when, what to bring, and what a lapse means: the 补正 notice's closing sentence (PDF and thermal slip). */
export function correctionDeadlineSentence(supplyBy: DueDate): string {
  return `请于${formatDueDate(supplyBy)}前补正上述全部内容，补正时请携带本通知书。${CORRECTION_LAPSE}本次申请。`;
}

function contactLine(c: Composer, contact: { clerk: string; phone: string } | undefined): void {
  if (contact)
    c.paragraph(`联系人：${contact.clerk}${WIDE_SPACE.repeat(2)}联系电话：${contact.phone}`, {
      ...BODY,
      indent: indent(BODY),
    });
}

export function layoutAcceptance(c: Composer, m: AcceptanceModel): void {
  title(c, DOCUMENT_TITLES.acceptance);
  numberLine(c, m.number);
  salutation(c, m.applicant);
  // 收受分离: a window accepts only as entrusted, and says in whose name.
  const entrusted = m.entrustedBy ? `受${m.entrustedBy.department}委托（${m.entrustedBy.document}），` : '';
  body(c, `${applicationPhrase(m)}，${entrusted}经审查，申请${ACCEPTANCE_SENTENCE}。`);
  const who = m.decidingDepartment ? `${m.decidingDepartment}将` : '审批部门将';
  body(c, `${who}依法于${formatDueDate(m.decisionDeadline)}前作出决定，请留意办理结果通知。`);
  body(c, `已收到的申请材料如下（共${m.materials.length}项）：`);
  c.space(4);
  materialsTable(c, m.materials);
  c.space(8);
  contactLine(c, m.contact);
  sealArea(c, m.office.name, m.issuedOn);
}

export function layoutCorrection(c: Composer, m: CorrectionModel): void {
  title(c, DOCUMENT_TITLES.correction, CORRECTION_SUBTITLE);
  numberLine(c, m.number);
  salutation(c, m.applicant);
  body(
    c,
    `${applicationPhrase(m)}，经审查，申请材料不齐全或者不符合法定形式。根据${m.legalBasis}的规定，现将需要补正的全部内容一次性告知如下：`,
  );
  const heading = (n: number, text: string) => body(c, `${chineseNumeral(n)}、${text}`);
  heading(1, `存在的问题（共${m.problems.length}项）`);
  m.problems.forEach((p, i) => numbered(c, i + 1, sentence(p)));
  heading(2, '需补正的材料');
  if (m.toSupply.length === 0) numbered(c, 1, NOTHING_TO_SUPPLY);
  else m.toSupply.forEach((s, i) => numbered(c, i + 1, sentence(s)));
  body(c, correctionDeadlineSentence(m.supplyBy));
  contactLine(c, m.contact);
  signatures(c, ['窗口工作人员（签字）：', APPLICANT_SIGNS], '签收日期：', BODY, m.applicantSignature);
  sealArea(c, m.office.name, m.issuedOn);
}

export function layoutRefusal(c: Composer, m: RefusalModel): void {
  title(c, DOCUMENT_TITLES.refusal);
  numberLine(c, m.number);
  salutation(c, m.applicant);
  body(c, `${applicationPhrase(m)}，经审查，决定不予受理，理由及依据如下：`);
  m.reasons.forEach((r, i) => numbered(c, i + 1, `${sentence(r.reason)}依据：${sentence(r.legalBasis)}`));
  body(
    c,
    `如对本决定不服，可以自收到本通知书之日起六十日内向${m.remedies.reconsiderationBody}申请行政复议，` +
      `或者自收到本通知书之日起六个月内向${m.remedies.court}提起行政诉讼。`,
  );
  contactLine(c, m.contact);
  sealArea(c, m.office.name, m.issuedOn);
}
