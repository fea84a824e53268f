// The department's documents printed at the window (统一窗口出件): a letter in the
// department's name — 受理, its own 补正, 不予受理, or the outcome after 受理 — with the
// packet's numbers, the reason, the 补正 items and date, the remedies against a refusal
// (行政复议 within 60 days, 行政诉讼 within 6 months) and the waybill of a posted result.
import { formatDueDate, sentence } from './format.ts';
import type { Composer } from './layout.ts';
import type { DepartmentDocumentModel, Remedies } from './model.ts';
import { ACCEPTANCE_SENTENCE, CORRECTION_LAPSE } from './notices.ts';
import { applicationPhrase, body, numberLine, numbered, salutation, sealArea, title } from './parts.ts';

/**
 * 行政复议法 §20 (60 days) and 行政诉讼法 §46 (6 months), counted from receipt of the decision.
 * Without the bodies configured (catalog or hall) it names none rather than a placeholder.
 */
export const DECISION_REMEDIES =
  '如对本决定不服，可以自收到本决定之日起六十日内依法申请行政复议，或者自收到本决定之日起六个月内依法向人民法院提起行政诉讼。';

function decisionRemedies(remedies: Remedies | undefined): string {
  if (!remedies) return DECISION_REMEDIES;
  return (
    `如对本决定不服，可以自收到本决定之日起六十日内依法向${remedies.reconsiderationBody}申请行政复议，` +
    `或者自收到本决定之日起六个月内依法向${remedies.court}提起行政诉讼。`
  );
}

export function layoutDepartmentDocument(c: Composer, m: DepartmentDocumentModel): void {
  title(c, m.title);
  numberLine(c, m.number);
  salutation(c, m.applicant);
  const opening = applicationPhrase(m);
  const because = m.reason ? `理由：${sentence(m.reason)}` : '';
  switch (m.decision) {
    case 'acceptance':
      body(c, `${opening}，经本机关审查，申请${ACCEPTANCE_SENTENCE}。本机关将依法作出决定，请留意办理结果通知。`);
      break;
    case 'correction':
      body(c, `${opening}，经本机关审查，申请材料不齐全或者不符合法定形式，现将需要补正的全部内容一次性告知如下：`);
      m.correctionItems.forEach((item, i) => numbered(c, i + 1, sentence(item)));
      if (m.reason) body(c, `说明：${sentence(m.reason)}`);
      body(
        c,
        `请${m.supplyBy ? `于${formatDueDate(m.supplyBy)}前` : '在规定期限内'}到原收件窗口补正上述全部内容，` +
          `补正时请携带本通知书。${CORRECTION_LAPSE}本次申请。`,
      );
      break;
    case 'refusal':
      body(c, `${opening}，经本机关审查，决定不予受理。${because}`);
      body(c, decisionRemedies(m.remedies));
      break;
    case 'grant':
      body(c, `${opening}，经本机关审查，决定${m.outcomeName ?? '办结'}。`);
      break;
    case 'denial':
      body(c, `${opening}，经本机关审查，决定${m.outcomeName ?? '不予办理'}。${because}`);
      body(c, decisionRemedies(m.remedies));
      break;
  }
  if (m.waybill) body(c, `办理结果已通过邮政寄递送达，寄递单号：${m.waybill}。`);
  body(c, `本文书由${m.printedBy}代为打印送达（统一窗口出件）。`);
  sealArea(c, m.office.name, m.issuedOn);
}
