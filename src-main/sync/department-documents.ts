// The department's documents at the window (统一窗口出件): every change the department
// sent that is a decision — 受理, its 补正, 不予受理, the outcome — is printed at the window
// in the department's name, from the change as stored (append-only) and the packet's
// sealed manifest. Rendered when the clerk opens or prints one: both sources never change.
import { type Catalog, type ItemType } from '../common/catalog.ts';
import {
  departmentDocumentKind,
  type DepartmentDocumentRef,
  departmentDocumentTitle,
  OUTCOME_NAMES,
} from '../common/department-documents.ts';
import type { CalendarDate } from '../common/dates.ts';
import { applicantDeadlineStatus, type DeadlineStatus } from '../common/deadline-status.ts';
import { AppError } from '../common/errors.ts';
import type { HallConfig } from '../common/hall-config.ts';
import type { Manifest } from '../common/manifest.ts';
import type { PacketState } from '../common/packet-states.ts';
import type { Decision } from '../common/sync.ts';
import type { WorkingCalendar } from '../common/working-calendar.ts';
import type { DocumentInput, DueDate, Person } from '../documents/model.ts';
import { personOnPaper } from '../documents/format.ts';
import type { PacketStore } from '../packets/packet-store.ts';
import type { ChangeFeedStore } from './change-feed-store.ts';

export interface DepartmentDocumentsDeps {
  feed: ChangeFeedStore;
  packets: PacketStore;
  catalog: { active(): Catalog };
  calendar: WorkingCalendar;
  config: HallConfig;
  render(input: DocumentInput): Promise<Uint8Array>;
}

export class DepartmentDocuments {
  constructor(private readonly deps: DepartmentDocumentsDeps) {}

  /** The department's documents of a packet version, in the order they came. */
  list(packetId: string, version: number, itemCode: string): DepartmentDocumentRef[] {
    const itemType = this.itemType(itemCode);
    return documented(this.deps.feed.decisions(packetId, version)).map(({ decision, kind }) => ({
      cursor: decision.cursor,
      state: decision.state,
      kind,
      title: departmentDocumentTitle(kind, itemType),
      outcome: kind === 'grant' || kind === 'denial' ? OUTCOME_NAMES[itemType][kind] : null,
      waybill: decision.waybill,
    }));
  }

  /**
   * Adds each packet's department documents to the queue's rows. A packet the department
   * sent back for 补正 runs on the applicant's clock: its deadline is the 补正's last day.
   */
  decorate<T extends QueueRow>(
    packets: T[],
    today: CalendarDate,
  ): Array<T & { departmentDocuments: DepartmentDocumentRef[] }> {
    const warning = this.deps.config.queue.deadlineWarningWorkingDays;
    return packets.map((p) => {
      const row = { ...p, departmentDocuments: this.list(p.packetId, p.version, p.itemCode) };
      const supplyBy = p.state === 'correction_required' ? this.correctionDue(p.packetId, p.version, p.itemCode) : null;
      if (supplyBy === null) return row;
      return {
        ...row,
        deadline: supplyBy,
        deadlineStatus: applicantDeadlineStatus(supplyBy, today, this.deps.calendar, warning),
      };
    });
  }

  /** The last day of the 补正 the department asked for on this version, or null when it asked for none. */
  correctionDue(packetId: string, version: number, itemCode: string): CalendarDate | null {
    const asked = this.deps.feed.lastDecision(packetId, version);
    return asked?.state === 'correction_required' ? this.supplyBy(asked, itemCode).date : null;
  }

  /**
   * The last day of a department's 补正: the department's own when it set one; else the
   * item's (or the hall's) 补正期限 counted from the day it decided, as the window's own
   * 补正 would be.
   */
  supplyBy(decision: Decision, itemCode: string): DueDate {
    const decidedOn = this.deps.calendar.localDate(new Date(decision.at));
    // The department's own day is printed as it set it, with no period we did not set.
    if (decision.supplyBy) return { date: decision.supplyBy, provisional: false };
    const item = this.deps.catalog.active().items.find((i) => i.code === itemCode);
    return this.deps.calendar.deadline(decidedOn, item?.correctionDays ?? this.deps.config.review.correctionDays);
  }

  /** The model of one department document (tests read it; `render` prints it). */
  model(packetId: string, version: number, cursor: number): DocumentInput {
    const manifest = this.deps.packets.manifest(packetId, version);
    const found = documented(this.deps.feed.decisions(packetId, version)).find((d) => d.decision.cursor === cursor);
    if (!manifest || !found) {
      throw new AppError(
        'intake.packetNotFound',
        `no department document ${cursor} for packet ${packetId} v${version}`,
      );
    }
    const { decision, kind } = found;
    const { config, calendar } = this.deps;
    const catalog = this.deps.catalog.active();
    const itemType = this.itemType(manifest.itemCode);
    const deciding = catalog.departments.find((d) => d.id === manifest.departmentId);
    const department = deciding?.name ?? manifest.departmentId ?? '审批部门';
    // The bodies named against a refusal: the catalog's for the department, else the hall's; else none is named.
    const remedies = deciding?.remedies ?? config.hall.remedies;
    const decidedOn = calendar.localDate(new Date(decision.at));
    const receipt = manifest.documents.find((d) => d.kind === 'receipt');
    return {
      kind: 'department',
      decision: kind,
      title: departmentDocumentTitle(kind, itemType),
      number: manifest.trackingCode ?? receipt?.number ?? `${packetId}-${version}`,
      office: { name: department, window: config.window.name },
      printedBy: `${config.hall.name}${config.window.name}`,
      applicant: applicantOf(manifest),
      ...(manifest.guardian ? { guardian: personOnPaper(manifest.guardian.person) } : {}),
      ...(manifest.agent ? { agent: personOnPaper(manifest.agent) } : {}),
      item: { name: manifest.itemName, code: manifest.itemCode },
      receivedOn: calendar.localDate(new Date(manifest.receivedAt)),
      issuedOn: decidedOn,
      ...(kind === 'grant' || kind === 'denial' ? { outcomeName: OUTCOME_NAMES[itemType][kind] } : {}),
      ...(decision.reason ? { reason: decision.reason } : {}),
      correctionItems: decision.correctionItems,
      ...(kind === 'correction' ? { supplyBy: this.supplyBy(decision, manifest.itemCode) } : {}),
      ...(decision.waybill ? { waybill: decision.waybill } : {}),
      ...((kind === 'refusal' || kind === 'denial') && remedies ? { remedies } : {}),
    };
  }

  async render(
    packetId: string,
    version: number,
    cursor: number,
  ): Promise<{ bytes: Uint8Array; mediaType: string; name: string }> {
    const model = this.model(packetId, version, cursor);
    const bytes = await this.deps.render(model);
    const title = model.kind === 'department' ? model.title : '';
    return { bytes, mediaType: 'application/pdf', name: `${title}-${model.number}.pdf` };
  }

  private itemType(itemCode: string): ItemType {
    return this.deps.catalog.active().items.find((i) => i.code === itemCode)?.itemType ?? 'publicService';
  }
}

/** What the queue's rows give the decoration. */
interface QueueRow {
  packetId: string;
  version: number;
  itemCode: string;
  state: PacketState;
  deadline: string | null;
  deadlineStatus: DeadlineStatus;
}

/** The changes that are decisions with a document, each with its kind. */
function documented(decisions: readonly Decision[]) {
  const out: Array<{ decision: Decision; kind: NonNullable<ReturnType<typeof departmentDocumentKind>> }> = [];
  let accepted = false;
  for (const decision of decisions) {
    const kind = departmentDocumentKind(decision.state, accepted);
    if (decision.state === 'accepted') accepted = true;
    if (kind) out.push({ decision, kind });
  }
  return out;
}

function applicantOf(manifest: Manifest): Person {
  if (manifest.applicantKind === 'company' && manifest.company) {
    return { name: manifest.company.name, idType: '统一社会信用代码', idNumber: manifest.company.creditCode };
  }
  return personOnPaper(manifest.applicant);
}
