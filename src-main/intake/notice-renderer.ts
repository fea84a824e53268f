// Fills the documents module's models from a sealed review and renders them to
// PDF: which notices an outcome issues, what each row and date says.
import { isMaterialDue } from '../common/catalog.ts';
import type * as Fonts from '../documents/fonts.ts';
import { DOCUMENT_TITLES, type DocumentInput, type Person } from '../documents/model.ts';
import type * as Render from '../documents/render.ts';
import { describeCounts } from '../common/review/rules.ts';
import type { DraftState } from '../common/draft.ts';
import { noticesFor } from '../common/manifest.ts';
import type { NoticeInput, NoticeRenderer, RenderedNotice } from './notices.ts';

/** What a notice prints for a value the clerk left empty (review has flagged it). */
const NOT_GIVEN = '（未填写）';

interface Documents {
  warmUpFonts: typeof Fonts.warmUpFonts;
  renderDocument: typeof Render.renderDocument;
}

let documents: Promise<Documents> | undefined;

/**
 * The PDF side — pdf-lib, fontkit, qrcode — loads on first use, not at start: with the
 * font bytes it is about 60 MiB resident, which a core nobody seals on (a night, a
 * supervisor's session) need not carry. `warmUp` loads it ahead of the first seal.
 */
function loadDocuments(): Promise<Documents> {
  documents ??= Promise.all([import('../documents/fonts.ts'), import('../documents/render.ts')]).then(
    ([fonts, render]) => ({ warmUpFonts: fonts.warmUpFonts, renderDocument: render.renderDocument }),
    (error: unknown) => {
      documents = undefined; // let the next notice try again
      throw error;
    },
  );
  return documents;
}

export class PdfNoticeRenderer implements NoticeRenderer {
  /**
   * Renders one throwaway notice in the background ahead of the first seal (the core
   * calls it when someone signs in): that render pays for loading the PDF libraries,
   * reading the font and warming pdf-lib (about 0.6 s), not the clerk's first 封装.
   */
  async warmUp(): Promise<void> {
    const { warmUpFonts, renderDocument } = await loadDocuments();
    await warmUpFonts();
    await renderDocument({
      kind: 'correction',
      number: 'WARM-UP',
      office: { name: '通办', window: '通办' },
      applicant: { name: '通办', idNumber: '000000' },
      item: { name: '通办', code: 'WARM' },
      receivedOn: '2026-01-05',
      issuedOn: '2026-01-05',
      problems: ['通办专窗收件'],
      legalBasis: '通办',
      toSupply: [],
      supplyBy: { date: '2026-01-12' },
      contact: { clerk: '通办', phone: '12345' },
    });
  }

  async render(input: NoticeInput): Promise<RenderedNotice[]> {
    const kinds = noticesFor(input.review.outcome);
    const numbers = input.numbers(kinds);
    const { renderDocument } = await loadDocuments();
    const rendered: RenderedNotice[] = [];
    for (const kind of kinds) {
      const model = buildModel(kind, numbers[kind], input);
      rendered.push({ kind, number: numbers[kind], title: DOCUMENT_TITLES[kind], bytes: await renderDocument(model) });
    }
    return rendered;
  }
}

function buildModel(kind: RenderedNotice['kind'], number: string, input: NoticeInput): DocumentInput {
  const { item, review, state, config, clerk } = input;
  const common = {
    number,
    office: { name: config.hall.name, window: config.window.name },
    applicant: applicantOf(state),
    ...(state.agent ? { agent: person(state.agent.name, state.agent.idNumber) } : {}),
    item: { name: item.name, code: item.code },
    receivedOn: review.receivedOn,
    issuedOn: review.receivedOn,
  };
  const contact = { clerk: clerk.displayName, phone: config.hall.phone };
  switch (kind) {
    case 'receipt':
      return {
        kind,
        ...common,
        materials: materialRows(input),
        contact,
        committedDeadline: review.acceptance!.decisionDeadline,
        tracking: { number: input.packetId },
      };
    case 'acceptance':
      return {
        kind,
        ...common,
        materials: materialRows(input),
        decisionDeadline: review.acceptance!.decisionDeadline,
        ...(review.route ? { decidingDepartment: departmentName(input, review.route.departmentId) } : {}),
        contact,
      };
    case 'correction':
      return {
        kind,
        ...common,
        problems: review.correction!.items.map((i) => i.message),
        legalBasis: review.correction!.legalBasis,
        toSupply: [...new Set(review.correction!.items.map((i) => i.supply).filter((s): s is string => Boolean(s)))],
        supplyBy: review.correction!.deadline,
        contact,
      };
    case 'refusal':
      return {
        kind,
        ...common,
        reasons: review.refusal!.reasons.map((r) => ({ reason: r.message, legalBasis: r.legalBasis })),
        remedies: config.hall.remedies,
        contact,
      };
  }
}

/** Every material due for this application, with what was asked and what was handed in. */
function materialRows(input: NoticeInput) {
  const { item, state, files } = input;
  const context = { answers: state.answers, agent: Boolean(state.agent) };
  return item.materials
    .filter((m) => isMaterialDue(m, context) || state.counts[m.id] || files.some((f) => f.materialId === m.id))
    .map((m) => {
      const scanned = files.filter((f) => f.materialId === m.id).length;
      return {
        name: m.name,
        required: describeCounts(m.counts),
        received: describeCounts(state.counts[m.id] ?? {}),
        ...(scanned > 0 ? { note: `已采集电子文件${scanned}个` } : {}),
      };
    });
}

function applicantOf(state: DraftState): Person {
  if (state.applicantKind === 'company' && state.company) {
    return { name: state.company.name || NOT_GIVEN, idType: '统一社会信用代码', idNumber: state.company.creditCode || NOT_GIVEN };
  }
  return person(state.applicant.name, state.applicant.idNumber);
}

function person(name: string, idNumber: string): Person {
  return { name: name.trim() || NOT_GIVEN, idType: '居民身份证', idNumber: idNumber.trim() || NOT_GIVEN };
}

function departmentName(input: NoticeInput, departmentId: string): string {
  return input.departments.find((d) => d.id === departmentId)?.name ?? departmentId;
}
