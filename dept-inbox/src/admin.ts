// What the department's people do, shared by the CLI, the approver page and tests:
// enrol a window (its id, scheme and public key; the token is shown once), enrol an
// approver, list packets, and decide on a delivered packet (受理 / 补正 / 不予受理 /
// 准予许可 / 办结). Every decision appends a change to the window's feed in the same
// transaction as the state change.
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import {
  canInboxTransition,
  PacketId,
  InboxState,
  SignatureScheme,
  INBOX_TRANSITIONS,
  WindowId,
  type DepartmentState,
} from '../../src-main/common/sync-protocol.ts';
import { CalendarDateSchema } from '../../src-main/common/dates.ts';
import { hallDate } from '../../src-main/common/hall-time.ts';
import { KeyFormatError, keyIdOf, normalizePublicKey } from '../../src-main/sync/signing.ts';
import { isUniqueViolation, type ChangeRow, type InboxDb, type PacketRow } from './db.ts';
import { InboxError } from './errors.ts';

/** Tokens are 256-bit random; only their SHA-256 is stored, so a stolen database holds no token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function newToken(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

export interface EnrolWindowInput {
  windowId: string;
  scheme: string;
  publicKey: string;
  label?: string | undefined;
  /** Re-enrol an existing window: new key and token, the old token stops working. */
  replace?: boolean | undefined;
}

export interface EnrolledWindow {
  windowId: string;
  scheme: 'ed25519' | 'sm2';
  keyId: string;
  /** Shown once; give it to the window's installer. */
  token: string;
}

export async function enrolWindow(db: InboxDb, input: EnrolWindowInput, now = Date.now()): Promise<EnrolledWindow> {
  const windowId = WindowId.safeParse(input.windowId);
  if (!windowId.success)
    throw new InboxError(
      'window.invalidKey',
      `window id ${JSON.stringify(input.windowId)}: ${windowId.error.issues[0]?.message}`,
    );
  const scheme = SignatureScheme.safeParse(input.scheme);
  if (!scheme.success)
    throw new InboxError('window.invalidKey', `scheme must be ed25519 or sm2, got ${JSON.stringify(input.scheme)}`);
  let publicKey: string;
  try {
    publicKey = normalizePublicKey(scheme.data, input.publicKey);
  } catch (error) {
    if (error instanceof KeyFormatError) throw new InboxError('window.invalidKey', error.message);
    throw error;
  }
  const token = newToken('tbw');
  const row = {
    window_id: windowId.data,
    token_hash: hashToken(token),
    scheme: scheme.data,
    public_key: publicKey,
    key_id: keyIdOf(publicKey),
    label: input.label ?? null,
    enrolled_at: now,
  };
  await db.write(async () => {
    if (await db.windowById(row.window_id)) {
      if (!input.replace)
        throw new InboxError(
          'window.exists',
          `window ${row.window_id} is already enrolled (use --replace to re-enrol it)`,
        );
      await db.replaceWindowCredentials(row);
    } else {
      await db.insertWindow(row);
    }
  });
  return { windowId: row.window_id, scheme: row.scheme, keyId: row.key_id, token };
}

export async function enrolApprover(
  db: InboxDb,
  name: string,
  now = Date.now(),
): Promise<{ name: string; token: string }> {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 64)
    throw new InboxError('decision.invalid', 'approver name must be 1–64 characters');
  const token = newToken('tba');
  try {
    await db.insertApprover({ name: trimmed, token_hash: hashToken(token), created_at: now });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new InboxError('approver.exists', `approver ${trimmed} already exists`);
    }
    throw error;
  }
  return { name: trimmed, token };
}

// ── decisions ────────────────────────────────────────────────────────────────

const Text = z.string().trim().min(1).max(2000);
const Waybill = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[0-9A-Z]{8,30}$/, 'waybill must be 8–30 of 0-9 A-Z (e.g. an EMS number)');

/** A 补正's last day, China time; not before the day it is decided on. */
const SupplyBy = CalendarDateSchema;

/** A department decision on a delivered packet version. */
export const Decision = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('accept') }),
  z.strictObject({
    kind: z.literal('correction'),
    items: z.array(Text).min(1).max(100),
    reason: Text.optional(),
    /** The department's own period for the applicant; windows count one from the hall's rules without it. */
    supplyBy: SupplyBy.optional(),
  }),
  z.strictObject({ kind: z.literal('refuse'), reason: Text }),
  z.strictObject({ kind: z.literal('approve'), waybill: Waybill.optional() }),
  z.strictObject({ kind: z.literal('close'), reason: Text.optional() }),
]);
export type Decision = z.input<typeof Decision>;

const TARGET: Record<z.infer<typeof Decision>['kind'], DepartmentState> = {
  accept: 'accepted',
  correction: 'correction_required',
  refuse: 'refused',
  approve: 'approved',
  close: 'closed',
};

export interface DecideInput {
  packetId: string;
  /** Defaults to the packet's latest version. */
  version?: number | undefined;
  decision: Decision;
  /** Who decided (an approver's name). */
  decidedBy: string;
}

export async function decide(db: InboxDb, input: DecideInput, now = Date.now()): Promise<ChangeRow> {
  const decision = Decision.safeParse(input.decision);
  if (!decision.success) {
    const issue = decision.error.issues[0];
    throw new InboxError('decision.invalid', `${issue?.path.join('.') || 'decision'}: ${issue?.message}`);
  }
  if (!PacketId.safeParse(input.packetId).success)
    throw new InboxError('decision.invalid', 'packet id must be a UUIDv7');
  const decidedBy = input.decidedBy.trim() || 'unknown';
  const d = decision.data;
  if (d.kind === 'correction' && d.supplyBy !== undefined && d.supplyBy < hallDate(now)) {
    throw new InboxError('decision.invalid', `supplyBy ${d.supplyBy} is before today (${hallDate(now)})`);
  }
  const to = TARGET[d.kind];
  return db.write(async () => {
    const packet =
      input.version === undefined
        ? await db.latestVersion(input.packetId)
        : await db.packet(input.packetId, input.version);
    if (!packet)
      throw new InboxError(
        'packet.notFound',
        `no packet ${input.packetId}${input.version ? ` version ${input.version}` : ''}`,
      );
    if (!canInboxTransition(packet.state, to)) {
      const allowed = INBOX_TRANSITIONS[packet.state].filter((s) => s !== 'delivered');
      throw new InboxError(
        'decision.notAllowed',
        `packet ${packet.packet_id} v${packet.version} is ${packet.state}; it can become ${allowed.join(', ') || 'nothing further'}, not ${to}`,
        { state: packet.state },
      );
    }
    await db.setState(packet.packet_id, packet.version, packet.state, to, now);
    return db.appendChange(
      packet,
      {
        state: to,
        reason: 'reason' in d ? d.reason : undefined,
        correctionItems: d.kind === 'correction' ? d.items : undefined,
        waybill: d.kind === 'approve' ? d.waybill : undefined,
        supplyBy: d.kind === 'correction' ? d.supplyBy : undefined,
        decidedBy,
      },
      now,
    );
  });
}

// ── listing ──────────────────────────────────────────────────────────────────

export interface PacketSummary {
  packetId: string;
  version: number;
  windowId: string;
  itemCode: string;
  state: InboxState;
  registeredAt: string;
  receivedAt: string | undefined;
  departmentReference: string | undefined;
  files: number;
}

export async function listPackets(
  db: InboxDb,
  filter: { state?: string | undefined; limit?: number | undefined } = {},
): Promise<PacketSummary[]> {
  let state: InboxState | undefined;
  if (filter.state !== undefined) {
    const parsed = InboxState.safeParse(filter.state);
    if (!parsed.success) throw new InboxError('decision.invalid', `unknown state ${filter.state}`);
    state = parsed.data;
  }
  const rows = await db.listPackets({ state, limit: filter.limit });
  return Promise.all(rows.map((row) => summarize(db, row)));
}

export async function summarize(db: InboxDb, row: PacketRow): Promise<PacketSummary> {
  return {
    packetId: row.packet_id,
    version: row.version,
    windowId: row.window_id,
    itemCode: row.item_code,
    state: row.state,
    registeredAt: new Date(row.registered_at).toISOString(),
    receivedAt: row.received_at === null ? undefined : new Date(row.received_at).toISOString(),
    departmentReference: row.department_reference ?? undefined,
    files: (await db.packetFiles(row.packet_id, row.version)).length,
  };
}
