// Fills the documents module's models from a sealed review and renders them to
// PDF: which notices an outcome issues, what each row and date says. The rendering
// itself runs in the documents' worker thread (documents/render-thread.ts): the core
// holds no PDF library and no font, only the small table of which characters the
// fonts have (documents/glyph-coverage.ts), to tell before sealing what would not print.
import { isMaterialDue, type MaterialCounts, type OriginalHandling } from '../common/catalog.ts';
import type { PrintedField, UnprintableText } from '../common/review/printing.ts';
import { unprintableCharacters } from '../documents/glyph-coverage.ts';
import { DOCUMENT_TITLES, type DocumentInput, modelTexts, type Person } from '../documents/model.ts';
import { personOnPaper } from '../documents/format.ts';
import type { BindRequest } from '../documents/render-protocol.ts';
import { RenderThread, type RenderThreadOptions } from '../documents/render-thread.ts';
import { describeCounts } from '../common/review/rules.ts';
import { deliveryInEffect, describeDelivery } from '../common/delivery.ts';
import type { DraftState } from '../common/draft.ts';
import { isHandler } from '../common/application.ts';
import { type NoticeKind, noticesFor } from '../common/manifest.ts';
import { isSealable, type SealableReview } from '../common/review/review.ts';
import type { NoticeCheckInput, NoticeInput, NoticeRenderer, NoticeTracking, RenderedNotice } from './notices.ts';

/** What a notice prints for a value the clerk left empty (review has flagged it). */
const NOT_GIVEN = '（未填写）';
/** 收费 of an item that charges nothing. */
export const NO_FEES = '不收费';

export type NoticeRendererOptions = RenderThreadOptions;

export class PdfNoticeRenderer implements NoticeRenderer {
  private readonly thread: RenderThread;

  constructor(options: NoticeRendererOptions = {}) {
    this.thread = new RenderThread(options);
  }

  /** Whether the render worker is running (tests and the bench look). */
  get working(): boolean {
    return this.thread.running;
  }

  /** Starts the render worker ahead of a seal (it reads the fonts meanwhile); it ends by itself when unused. */
  warmUp(): void {
    this.thread.warmUp();
  }

  async render(input: NoticeInput): Promise<RenderedNotice[]> {
    const kinds = noticesFor(input.review.outcome);
    const numbers = input.numbers(kinds);
    try {
      const rendered: RenderedNotice[] = [];
      for (const kind of kinds) {
        const model = buildModel(kind, numbers[kind], input, input.tracking);
        const { bytes, unprintable } = await this.thread.render(model);
        // The slip the receipt printer prints (and its queue stores) has no signature line: the model goes without the image.
        const { applicantSignature: _image, ...slipModel } = model as DocumentInput & { applicantSignature?: unknown };
        rendered.push({
          kind,
          number: numbers[kind],
          title: DOCUMENT_TITLES[kind],
          bytes,
          unprintable,
          model: slipModel as DocumentInput,
        });
      }
      return rendered;
    } finally {
      // The seal's documents are done: the worker's memory goes back now, before the packet
      // starts to travel, not after the idle wait.
      await this.thread.release();
    }
  }

  /** Binds pages in the worker; the seal's notices follow at once, and `render` releases the worker. */
  bindPages(request: BindRequest): Promise<Uint8Array> {
    return this.thread.bind(request);
  }

  /** One document on its own (a department's document printed at the window), the worker released after. */
  async renderDocument(input: DocumentInput): Promise<Uint8Array> {
    try {
      return (await this.thread.render(input)).bytes;
    } finally {
      await this.thread.release();
    }
  }

  check(input: NoticeCheckInput): UnprintableText[] {
    const { review } = input;
    if (!isSealable(review)) return [];
    const sealable = { ...input, review };
    const kinds = noticesFor(review.outcome);
    const found = new Map<PrintedField, string[]>();
    for (const kind of kinds) {
      // Document numbers and 查询号 are ASCII: the check needs none allocated.
      for (const { path, text } of modelTexts(buildModel(kind, 'N', sealable, { code: '0000-0000-0000' }))) {
        const characters = unprintableCharacters(text);
        if (characters.length === 0) continue;
        const field = printedField(path);
        const list = found.get(field) ?? [];
        for (const c of characters) if (!list.includes(c)) list.push(c);
        found.set(field, list);
      }
    }
    return [...found].map(([field, characters]) => ({ field, characters }));
  }

  close(): Promise<void> {
    return this.thread.close();
  }
}

function printedField(path: string): PrintedField {
  switch (path) {
    case 'applicant.name':
    case 'applicant.idNumber':
    case 'guardian.name':
    case 'guardian.idNumber':
    case 'agent.name':
    case 'agent.idNumber':
      return path;
    case 'contact.clerk':
      return 'clerk';
    default:
      return 'other';
  }
}

function buildModel(
  kind: NoticeKind,
  number: string,
  input: NoticeCheckInput & { review: SealableReview },
  tracking: NoticeTracking,
): DocumentInput {
  const { item, review, state, config, clerk } = input;
  const common = {
    number,
    office: { name: config.hall.name, window: config.window.name },
    applicant: applicantOf(state),
    ...(state.guardian ? { guardian: personOnPaper(state.guardian.person, NOT_GIVEN) } : {}),
    ...(state.agent ? { agent: personOnPaper(state.agent, NOT_GIVEN) } : {}),
    item: { name: item.name, code: item.code },
    receivedOn: review.receivedOn,
    issuedOn: review.receivedOn,
  };
  const contact = { clerk: clerk.displayName, phone: config.hall.phone };
  // Where the applicant signs: the 收件凭证 and the 补正 notice.
  const signature = input.applicantSignature ? { applicantSignature: input.applicantSignature } : {};
  switch (kind) {
    case 'receipt': {
      const decision = review.decision!;
      const department = input.departments.find((d) => d.id === decision.departmentId);
      const delivery = deliveryInEffect(item, state.delivery);
      const remedies = department?.remedies ?? config.hall.remedies;
      return {
        kind,
        ...common,
        materials: materialRows(input),
        contact,
        committedDeadline: decision.decisionDeadline,
        tracking: { number: tracking.code, ...(tracking.url ? { url: tracking.url } : {}) },
        department: department?.name ?? decision.departmentId,
        result: {
          ...(item.result ? { name: item.result.name } : {}),
          delivery: delivery ? describeDelivery(delivery) : NOT_GIVEN,
        },
        fees: item.fees.charged ? item.fees.description : NO_FEES,
        consultPhone: department?.consultPhone ?? item.contact?.consultPhone ?? config.hall.phone,
        ...(remedies ? { remedies } : {}),
        ...signature,
      };
    }
    case 'acceptance': {
      const decision = review.decision!;
      const department = departmentName(input, decision.departmentId);
      return {
        kind,
        ...common,
        materials: materialRows(input),
        decisionDeadline: decision.decisionDeadline,
        decidingDepartment: department,
        ...(decision.entrustment ? { entrustedBy: { department, document: decision.entrustment.document } } : {}),
        contact,
      };
    }
    case 'correction':
      return {
        kind,
        ...common,
        problems: review.correction!.items.map((i) => i.message),
        legalBasis: review.correction!.legalBasis,
        toSupply: [...new Set(review.correction!.items.map((i) => i.supply).filter((s): s is string => Boolean(s)))],
        supplyBy: review.correction!.deadline,
        contact,
        ...signature,
      };
    case 'refusal':
      // Only old packets list a 不予受理通知书; the window issues none now (收受分离).
      throw new Error('the window issues no 不予受理通知书');
  }
}

/** 备注 for originals shown at the counter, by what became of them (catalog `originalHandling`). */
export const ORIGINAL_NOTES: Record<OriginalHandling, string> = {
  returned: '原件核验后已退还',
  kept: '原件窗口留存',
  posted: '原件寄递审批部门',
};
/** A copy handed in with its original beside it is checked against it (trust level B). */
export const COPY_CHECKED_NOTE = '复印件经与原件核对无误';

/**
 * Every material due for this application, with what was asked and what the window
 * holds: an original checked and handed back is not counted as received, and the note
 * says where each original went.
 */
function materialRows(input: NoticeCheckInput) {
  const { item, state, files } = input;
  const context = { answers: state.answers, agent: Boolean(state.agent), handler: isHandler(state) };
  return item.materials
    .filter((m) => isMaterialDue(m, context) || state.counts[m.id] || files.some((f) => f.materialId === m.id))
    .map((m) => {
      const got: Partial<MaterialCounts> = state.counts[m.id] ?? {};
      const originals = got.original ?? 0;
      const scanned = files.filter((f) => f.materialId === m.id).length;
      const notes = [
        originals > 0 ? ORIGINAL_NOTES[m.originalHandling] : '',
        originals > 0 && (got.copy ?? 0) > 0 ? COPY_CHECKED_NOTE : '',
        scanned > 0 ? `已采集电子文件${scanned}个` : '',
      ].filter(Boolean);
      return {
        name: m.name,
        required: describeCounts(m.counts),
        received: describeCounts(m.originalHandling === 'returned' ? { ...got, original: 0 } : got),
        ...(notes.length > 0 ? { note: notes.join('；') } : {}),
      };
    });
}

function applicantOf(state: DraftState): Person {
  if (state.applicantKind === 'company' && state.company) {
    return {
      name: state.company.name || NOT_GIVEN,
      idType: '统一社会信用代码',
      idNumber: state.company.creditCode || NOT_GIVEN,
    };
  }
  return personOnPaper(state.applicant, NOT_GIVEN);
}

function departmentName(input: NoticeCheckInput, departmentId: string): string {
  return input.departments.find((d) => d.id === departmentId)?.name ?? departmentId;
}
