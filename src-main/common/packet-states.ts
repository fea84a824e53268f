// A packet version's states, at the window and at the department, and which state may
// follow which. The one list: the queue, the deadline rules, the sync outbox, the
// database's CHECK and the department inbox all take their states from here.
import { z } from 'zod';
import type { SealedOutcome } from './manifest.ts';

/**
 * The department's word on a packet version, as its change feed reports it: `delivered`
 * (commit verified) → `accepted` 已受理 | `correction_required` 需补正 | `refused` 不予受理
 * → `approved` 准予 (许可, 办结 … by item type) | `refused` after 受理, which is the outcome
 * (不予许可 / 不予办理), not 不予受理: the window's documents tell them apart by the history
 * (common/department-documents.ts) → `closed` 办结.
 */
export const DEPARTMENT_STATES = [
  'delivered',
  'accepted',
  'correction_required',
  'refused',
  'approved',
  'closed',
] as const;
export const DepartmentState = z.enum(DEPARTMENT_STATES);
export type DepartmentState = z.infer<typeof DepartmentState>;

/** At the department inbox a version is first `receiving` (manifest registered, files and commit outstanding). */
export const INBOX_STATES = ['receiving', ...DEPARTMENT_STATES] as const;
export const InboxState = z.enum(INBOX_STATES);
export type InboxState = z.infer<typeof InboxState>;

/**
 * Which state may follow which at the department. `receiving → delivered` happens only
 * by commit; the others are department decisions. A correction is answered by a new
 * packet version, so `correction_required` only closes (the applicant gave up).
 */
export const INBOX_TRANSITIONS: Readonly<Record<InboxState, readonly InboxState[]>> = {
  receiving: ['delivered'],
  delivered: ['accepted', 'correction_required', 'refused'],
  accepted: ['approved', 'refused'],
  correction_required: ['closed'],
  refused: ['closed'],
  approved: ['closed'],
  closed: [],
};

export function canInboxTransition(from: InboxState, to: InboxState): boolean {
  return INBOX_TRANSITIONS[from].includes(to);
}

/** On its way to the department: the outbox's protocol steps as the queue shows them. */
export const SENDING_STATES = ['sealed', 'uploading', 'submitted', 'retry_wait', 'blocked', 'upload_gone'] as const;
export type SendingState = (typeof SENDING_STATES)[number];

/**
 * Packets that never travel: the window issued its 补正 at the counter, on paper.
 * `refused_at_window` only for packets sealed before 收受分离 was modelled (the window no
 * longer issues a 不予受理): read and shown, never entered again.
 */
export const WINDOW_ISSUED_STATES = ['correction_issued', 'refused_at_window'] as const;

/** Every state a packet version can be in at the window. */
export const PACKET_STATES = [...SENDING_STATES, ...WINDOW_ISSUED_STATES, ...DEPARTMENT_STATES] as const;
export const PacketState = z.enum(PACKET_STATES);
export type PacketState = z.infer<typeof PacketState>;

/** Where a packet starts in the queue: what the window received travels to the department. */
export const INITIAL_STATE: Readonly<Record<SealedOutcome, PacketState>> = {
  receive: 'sealed',
  accept_entrusted: 'sealed',
  correction: 'correction_issued',
  accept: 'sealed',
  refuse: 'refused_at_window',
};

/** Outcomes a packet is sealed with today; canMove(null, …) admits only their states. */
const ISSUED_OUTCOMES = ['receive', 'accept_entrusted', 'correction'] as const;

const DECIDED = DEPARTMENT_STATES;
const ON_THE_WAY = [...SENDING_STATES, ...DEPARTMENT_STATES] as const;
const others = <T extends PacketState>(list: readonly T[], self: PacketState): T[] => list.filter((s) => s !== self);

/**
 * Which state may follow which at the window. While sending, the outbox moves between
 * its steps freely (a retry, a cut upload, a block); the department's word may arrive
 * at any moment (its change feed can overtake the commit's answer) and is final, so a
 * department state is never followed by a sending one; the department's own order is
 * its business (the inbox enforces INBOX_TRANSITIONS), so the window records each of its
 * states as it comes. What the window issued on paper never moves.
 */
export const PACKET_TRANSITIONS: Readonly<Record<PacketState, readonly PacketState[]>> = {
  sealed: others(ON_THE_WAY, 'sealed'),
  uploading: others(ON_THE_WAY, 'uploading'),
  submitted: others(ON_THE_WAY, 'submitted'),
  retry_wait: others(ON_THE_WAY, 'retry_wait'),
  blocked: others(ON_THE_WAY, 'blocked'),
  upload_gone: others(ON_THE_WAY, 'upload_gone'),
  correction_issued: [],
  refused_at_window: [],
  delivered: others(DECIDED, 'delivered'),
  accepted: others(DECIDED, 'accepted'),
  correction_required: others(DECIDED, 'correction_required'),
  refused: others(DECIDED, 'refused'),
  approved: others(DECIDED, 'approved'),
  closed: others(DECIDED, 'closed'),
};

/** Whether a packet version may move from `from` (null: not yet in the queue) to `to`. */
export function canMove(from: PacketState | null, to: PacketState): boolean {
  if (from === null) return ISSUED_OUTCOMES.some((outcome) => INITIAL_STATE[outcome] === to);
  return PACKET_TRANSITIONS[from].includes(to);
}

export function isSendingState(state: string): state is SendingState {
  return (SENDING_STATES as readonly string[]).includes(state);
}

/** The deadline no longer binds anyone at the window or the department. */
export const SETTLED_STATES: ReadonlySet<PacketState> = new Set([
  'closed',
  'refused',
  'refused_at_window',
  'approved',
  'correction_required',
]);

/** Nothing more will happen to the packet: the queue stops counting it as open. */
export const FINISHED_STATES: ReadonlySet<PacketState> = new Set(['closed', 'refused', 'refused_at_window']);
