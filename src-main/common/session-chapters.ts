// The steps of a counter session, read from its event log (`session:<draftId>`): the
// chapters of the supervisor's timeline — identity read, form filled, each material
// captured, review and its outcome, overrides, a 视频会商 call connected, seal, receipt printed — each at the time
// its event was logged, and which expected steps a sealed session lacks. Pure: the core
// and the renderer's player read the same chapters from the same events.

/** What chapters need of a logged event (EventLog's LoggedEvent has more). */
export interface SessionEvent {
  seq: number;
  kind: string;
  wallMs: number;
  payload: { readonly [key: string]: unknown };
}

export type ChapterKind =
  'started' | 'identity' | 'identityCheck' | 'form' | 'material' | 'review' | 'override' | 'call' | 'seal' | 'receipt';

export interface Chapter {
  kind: ChapterKind;
  /** The event that marks it, to jump to. */
  seq: number;
  at: number;
  /** What the chapter is about: the identity's holder, the material, the review's outcome, the finding … */
  subject?: string;
}

/** The steps every sealed session is expected to show; one missing is a flag for the supervisor. */
export const EXPECTED_STEPS: readonly ChapterKind[] = ['identity', 'form', 'material', 'review', 'seal', 'receipt'];

/** Steps after the form in the wizard: leaving the form for one of them is the form filled. */
const AFTER_FORM = new Set(['materials', 'review']);

export function sessionChapters(events: readonly SessionEvent[]): { chapters: Chapter[]; missing: ChapterKind[] } {
  const chapters: Chapter[] = [];
  const mark = (event: SessionEvent, kind: ChapterKind, subject?: unknown) =>
    chapters.push({
      kind,
      seq: event.seq,
      at: event.wallMs,
      ...(typeof subject === 'string' && subject !== '' ? { subject } : {}),
    });
  let formFilled = false;
  const overridden = new Set<string>();
  const calls = new Set<string>();
  for (const event of events) {
    const { payload } = event;
    switch (event.kind) {
      case 'intake.started':
        mark(event, 'started', payload['itemCode']);
        break;
      case 'identity.cardRead':
        mark(event, 'identity', payload['who']);
        break;
      // 人证核验: the face match's outcome, or the clerk's comparison by eye.
      case 'identity.faceMatch':
        mark(event, 'identityCheck', payload['outcome']);
        break;
      case 'identity.visualCheck':
        mark(event, 'identityCheck', 'visual');
        break;
      case 'intake.stepChanged':
        // The first time the clerk goes on from the form; going back and forth later is not a new chapter.
        if (!formFilled && payload['from'] === 'form' && AFTER_FORM.has(String(payload['to']))) {
          formFilled = true;
          mark(event, 'form');
        }
        break;
      case 'intake.materialAdded':
      case 'intake.materialRetaken':
        mark(event, 'material', payload['materialId']);
        break;
      case 'intake.reviewed': {
        mark(event, 'review', payload['outcome']);
        // Each finding set aside is a chapter once, at the first review that carried it.
        const overrides = Array.isArray(payload['overrides']) ? (payload['overrides'] as unknown[]) : [];
        for (const override of overrides) {
          const key = (override as { findingKey?: unknown } | null)?.findingKey;
          if (typeof key === 'string' && !overridden.has(key)) {
            overridden.add(key);
            mark(event, 'override', key);
          }
        }
        break;
      }
      case 'intake.countersigned':
        mark(event, 'override', payload['findingKey']);
        break;
      // 视频会商: the call's media flowed, named by its approver; each call once (connected again is no new chapter).
      case 'call.connected': {
        const callId = String(payload['callId'] ?? event.seq);
        if (calls.has(callId)) break;
        calls.add(callId);
        const approver = payload['approver'] as { name?: unknown } | null | undefined;
        mark(event, 'call', approver?.name);
        break;
      }
      case 'intake.sealed':
        mark(event, 'seal', payload['outcome']);
        break;
      case 'printing.printed':
        mark(event, 'receipt', payload['document']);
        break;
    }
  }
  const sealed = chapters.some((c) => c.kind === 'seal');
  const missing = sealed ? EXPECTED_STEPS.filter((kind) => !chapters.some((c) => c.kind === kind)) : [];
  return { chapters, missing };
}
