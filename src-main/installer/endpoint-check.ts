// The live check of one department endpoint, as the setup wizard and the doctor run it:
// can this PC reach it (and trust its certificate), does it speak our protocol version,
// does its clock agree with ours, and does the token name this window and key. Each
// answer is a line an installer reads; nothing here changes any state.
import axios, { type AxiosResponse } from 'axios';
import { z } from 'zod';
import type { CheckLine } from '../common/doctor.ts';
import { t } from '../common/i18n/index.ts';
import { HEALTH_PATH, PROTOCOL_VERSION, WHOAMI_PATH, WhoAmI, type SignatureScheme } from '../common/sync-protocol.ts';

/** Beyond this the clocks disagree enough to matter (deadlines, signatures, the department's records). */
export const CLOCK_FAIL_MS = 5 * 60_000;
/** Beyond this an installer should look at the PC's time source. */
export const CLOCK_WARN_MS = 30_000;

export interface EndpointCheckInput {
  departmentId: string;
  /** The department's name, for the lines' labels. */
  name: string;
  /** The base URL of the inbox, or `embedded` (the demo's inbox on this PC). */
  endpoint: string;
  /** The window's token at this department, when one is set. */
  token?: string | undefined;
  /** Who the token must name: this window and its key. */
  expected: { windowId: string; scheme: SignatureScheme; keyId: string };
  timeoutMs?: number;
  now?: () => number;
}

const HealthAnswer = z.object({ ok: z.literal(true), protocol: z.number().int() });

/** TLS failures Node reports by code: the certificate is not one this PC trusts for that host. */
const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_REVOKED',
  'EPROTO',
]);

export async function checkDepartmentEndpoint(input: EndpointCheckInput): Promise<CheckLine[]> {
  const now = input.now ?? Date.now;
  const id = (aspect: string) => `department.${input.departmentId}.${aspect}`;
  const label = (aspect: 'reach' | 'protocol' | 'clock' | 'token') =>
    t(`checks.department.${aspect}`, { name: input.name });
  if (input.endpoint === 'embedded') {
    return [{ id: id('reach'), state: 'ok', label: label('reach'), message: t('checks.department.embedded') }];
  }
  const http = axios.create({
    proxy: false,
    maxRedirects: 0,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    validateStatus: () => true,
    timeout: input.timeoutMs ?? 10_000,
  });
  const base = input.endpoint.replace(/\/+$/, '');

  const sentAt = now();
  let health: AxiosResponse<string>;
  try {
    health = await http.get<string>(`${base}${HEALTH_PATH}`);
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'ERROR';
    const detail = `GET ${HEALTH_PATH}: ${code} ${(error as Error).message}`;
    const tls = TLS_CODES.has(code) || /certificate|ssl|tls/i.test((error as Error).message);
    return [
      {
        id: id('reach'),
        state: 'fail',
        label: label('reach'),
        message: t(tls ? 'checks.department.tlsFailed' : 'checks.department.unreachable'),
        detail,
      },
    ];
  }
  const receivedAt = now();
  const lines: CheckLine[] = [
    {
      id: id('reach'),
      state: 'ok',
      label: label('reach'),
      message: t(base.startsWith('https:') ? 'checks.department.reachedTls' : 'checks.department.reachedLoopback'),
      detail: `GET ${HEALTH_PATH}: ${health.status} in ${receivedAt - sentAt} ms`,
    },
  ];

  const answer = HealthAnswer.safeParse(parseJson(health.data));
  if (health.status !== 200 || !answer.success) {
    lines.push({
      id: id('protocol'),
      state: 'fail',
      label: label('protocol'),
      message: t('checks.department.notInbox'),
      detail: `GET ${HEALTH_PATH}: ${health.status}, body is not {ok, protocol}`,
    });
    return lines;
  }
  const protocolOk = answer.data.protocol === PROTOCOL_VERSION;
  lines.push({
    id: id('protocol'),
    state: protocolOk ? 'ok' : 'fail',
    label: label('protocol'),
    message: protocolOk
      ? t('checks.department.protocolOk', { version: PROTOCOL_VERSION })
      : t('checks.department.protocolMismatch', { theirs: answer.data.protocol, ours: PROTOCOL_VERSION }),
  });

  lines.push(clockLine(id('clock'), label('clock'), health, sentAt, receivedAt));
  lines.push(await tokenLine(http, base, input, id('token'), label('token')));
  return lines;
}

/** The department's clock from its `Date` header, against the middle of our request's round trip. */
function clockLine(
  id: string,
  label: string,
  response: AxiosResponse<string>,
  sentAt: number,
  receivedAt: number,
): CheckLine {
  const header = response.headers.date as unknown;
  const theirs = typeof header === 'string' ? Date.parse(header) : Number.NaN;
  if (Number.isNaN(theirs)) {
    return { id, state: 'warn', label, message: t('checks.department.clockUnknown'), detail: 'no Date header' };
  }
  // A Date header has whole seconds: up to 1 s of the difference is its rounding.
  const skew = theirs - (sentAt + receivedAt) / 2;
  const seconds = Math.round(skew / 1000);
  const detail = `department clock ${seconds >= 0 ? '+' : ''}${seconds} s relative to this PC`;
  if (Math.abs(skew) > CLOCK_FAIL_MS) {
    return { id, state: 'fail', label, message: t('checks.department.clockFail', { seconds }), detail };
  }
  if (Math.abs(skew) > CLOCK_WARN_MS) {
    return { id, state: 'warn', label, message: t('checks.department.clockWarn', { seconds }), detail };
  }
  return { id, state: 'ok', label, message: t('checks.department.clockOk'), detail };
}

async function tokenLine(
  http: ReturnType<typeof axios.create>,
  base: string,
  input: EndpointCheckInput,
  id: string,
  label: string,
): Promise<CheckLine> {
  if (input.token === undefined) {
    return { id, state: 'fail', label, message: t('checks.department.tokenNotSet') };
  }
  let response: AxiosResponse<string>;
  try {
    response = await http.get<string>(`${base}${WHOAMI_PATH}`, {
      headers: { authorization: `Bearer ${input.token}`, accept: 'application/json' },
    });
  } catch (error) {
    // The token itself is never in the detail: only the request's outcome.
    const code = (error as { code?: string }).code ?? 'ERROR';
    return {
      id,
      state: 'fail',
      label,
      message: t('checks.department.unreachable'),
      detail: `GET ${WHOAMI_PATH}: ${code}`,
    };
  }
  if (response.status === 401 || response.status === 403) {
    return {
      id,
      state: 'fail',
      label,
      message: t('checks.department.tokenRefused'),
      detail: `GET ${WHOAMI_PATH}: ${response.status}`,
    };
  }
  const me = WhoAmI.safeParse(parseJson(response.data));
  if (response.status !== 200 || !me.success) {
    return {
      id,
      state: 'fail',
      label,
      message: t('checks.department.notInbox'),
      detail: `GET ${WHOAMI_PATH}: ${response.status}, body is not the protocol's`,
    };
  }
  const { windowId, scheme, keyId } = input.expected;
  if (me.data.windowId !== windowId || me.data.scheme !== scheme || me.data.keyId !== keyId) {
    return {
      id,
      state: 'fail',
      label,
      message: t('checks.department.tokenMismatch', { window: me.data.windowId }),
      detail:
        `token names window ${me.data.windowId} (${me.data.scheme}, key ${me.data.keyId.slice(0, 12)}); ` +
        `this window is ${windowId} (${scheme}, key ${keyId.slice(0, 12)})`,
    };
  }
  return { id, state: 'ok', label, message: t('checks.department.tokenOk', { window: windowId }) };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
