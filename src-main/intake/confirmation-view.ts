// What the applicant checks on their screen before a seal (确认): built from the draft
// and its formal review as they stand, so that the same draft gives the same view, and
// any change to what it shows gives another view (and another hash).
import { fieldsInEffect, type ServiceItem } from '../common/catalog.ts';
import type { ConfirmationView } from '../common/applicant.ts';
import type { DraftFile, DraftState } from '../common/draft.ts';
import type { ReviewResult } from '../common/review/review.ts';
import { t } from '../common/i18n/index.ts';
import { maskIdNumber, personOnPaper } from '../documents/format.ts';
import { deadlineOf } from '../packets/build-manifest.ts';

export function confirmationView(
  draftId: string,
  item: ServiceItem,
  state: DraftState,
  files: readonly DraftFile[],
  review: ReviewResult,
): ConfirmationView {
  const identity: ConfirmationView['identity'] = [];
  if (state.applicantKind === 'company' && state.company) {
    identity.push({ role: 'company', name: state.company.name, idNumber: state.company.creditCode });
  }
  const person = (role: 'applicant' | 'agent' | 'guardian', who: DraftState['applicant']) => {
    const paper = personOnPaper(who, '');
    identity.push({ role, name: paper.name, idNumber: maskIdNumber(paper.idNumber, paper.idType) });
  };
  person('applicant', state.applicant);
  if (state.guardian) person('guardian', state.guardian.person);
  if (state.agent) person('agent', state.agent);

  const answers = fieldsInEffect(item, state.answers, state.agent !== undefined).flatMap((field) => {
    const value = state.answers[field.key];
    if (value === undefined || value === null || value === '') return [];
    let text: string;
    if (typeof value === 'boolean') text = t(value ? 'applicant.confirm.yes' : 'applicant.confirm.no');
    else if (field.options) text = field.options.find((o) => o.value === value)?.label ?? String(value);
    else if (field.type === 'idNumber') text = maskIdNumber(String(value));
    else text = String(value);
    return [{ label: field.label, value: text }];
  });

  const materials = item.materials.flatMap((material) => {
    const counts = state.counts[material.id] ?? { original: 0, copy: 0, electronic: 0 };
    const pages = files.filter((f) => f.materialId === material.id).length;
    if (counts.original + counts.copy + counts.electronic + pages === 0) return [];
    return [{ name: material.name, ...counts, pages }];
  });

  const notice =
    review.outcome === 'correction'
      ? (review.correction?.items ?? []).map((i) => (i.supply ? `${i.message}（${i.supply}）` : i.message))
      : review.outcome === 'decline'
        ? (review.decline?.reasons ?? [])
        : [];

  return {
    draftId,
    item: { code: item.code, name: item.name },
    identity,
    answers,
    materials,
    outcome: review.outcome,
    notice,
    deadline: deadlineOf(review),
  };
}
