// The hall's configuration: which hall and window this PC is, its region, the
// approving departments it sends to, and its devices. Read from
// `<dataDir>/config.json`; with no file the app runs the demo profile, in which
// every device is simulated and a local department inbox stands in.
import { z } from 'zod';
import { AppError } from './errors.ts';
import { CalendarOverrides } from './calendar-data.ts';
import { DEFAULT_FACE_THRESHOLDS, FACE_SETTINGS_DEFAULTS, FaceThresholds } from './face.ts';
import { TrustedKey } from './catalog.ts';
import { WindowId } from './sync-protocol.ts';
import { IceServer, IceTransportPolicy } from './call-protocol.ts';

const RegionCode = z.string().regex(/^\d{6}$/, 'must be a 6-digit administrative region code (GB/T 2260)');

const SerialPort = z.object({
  path: z.string().min(1),
  baudRate: z.number().int().positive().default(115200),
});

const Device = z.discriminatedUnion('transport', [
  z.object({ transport: z.literal('simulated') }),
  z.object({ transport: z.literal('serial'), serial: SerialPort }),
  z.object({ transport: z.literal('tcp'), host: z.string().min(1), port: z.number().int().min(1).max(65535) }),
  z.object({ transport: z.literal('usb-device-file'), path: z.string().min(1) }),
  z.object({ transport: z.literal('vendor-sdk'), library: z.string().min(1), port: z.number().int() }),
  z.object({ transport: z.literal('uvc'), deviceLabel: z.string().optional() }),
  z.object({ transport: z.literal('none') }),
]);
export type DeviceConfig = z.infer<typeof Device>;

/**
 * The hall's licensed decoder of the card's WLT photo: a vendor's shared library with
 * `int unpack(char *src, char *dst, int bmpSave)`. Without one the photo is not shown.
 */
const PhotoDecoder = z.object({
  /** Path to the library (.so on Linux, .dll on Windows). */
  library: z.string().min(1),
  /** unpack's third argument (bmpSave): vendor-specific, 0 unless the vendor's documentation says otherwise. */
  unpackFlag: z.number().int().default(0),
});
export type PhotoDecoderConfig = z.infer<typeof PhotoDecoder>;

/** A reader's vendor SDK (华视 termb-style `CVR_*` API): its library and its port number. */
const VendorSdk = z.object({
  library: z.string().min(1),
  /** The SDK's numbering: 1001–1016 for USB readers, 1–16 for COM1–COM16. */
  port: z.number().int().min(1).max(9999),
});

/**
 * The ID card reader (二代证阅读器): its GA 467 frames over a serial port (USB-CDC or
 * RS-232), the card-reader simulator in this process (the demo profile), or the reader's
 * vendor SDK (a library that decodes the photo itself).
 */
const IdCardReaderDevice = z.discriminatedUnion('transport', [
  z.object({ transport: z.literal('simulated'), photoDecoder: PhotoDecoder.optional() }),
  z.object({ transport: z.literal('serial'), serial: SerialPort, photoDecoder: PhotoDecoder.optional() }),
  z.object({ transport: z.literal('vendor-sdk'), vendorSdk: VendorSdk }),
  z.object({ transport: z.literal('none') }),
]);
export type IdCardReaderConfig = z.infer<typeof IdCardReaderDevice>;

/** 58 or 80 mm thermal paper: what the receipt is laid out for. */
const Paper = z.union([z.literal(58), z.literal(80)]).default(80);

/**
 * The receipt printer (ESC/POS): a network printer on raw TCP (port 9100), a serial one,
 * or a USB one through its printer device file (`/dev/usb/lp0` on Linux). The Windows
 * spooler path is designed for in docs/devices.md, not built.
 */
export const ReceiptPrinterDevice = z.discriminatedUnion('transport', [
  z.object({ transport: z.literal('simulated'), paper: Paper }),
  z.object({
    transport: z.literal('tcp'),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(9100),
    paper: Paper,
  }),
  z.object({ transport: z.literal('serial'), serial: SerialPort, paper: Paper }),
  z.object({ transport: z.literal('usb-device-file'), path: z.string().min(1), paper: Paper }),
  z.object({ transport: z.literal('none') }),
]);
export type ReceiptPrinterConfig = z.infer<typeof ReceiptPrinterDevice>;

/**
 * The scheme and host of a URL as written, without the WHATWG parser (common/ has no
 * `URL`): userinfo, backslashes and anything unusual leave no host, so such an endpoint
 * can only pass as https — the rule fails closed.
 */
function schemeAndHost(url: string): { scheme: string; host: string | undefined } {
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/\\?#]*)/i.exec(url);
  const scheme = (match?.[1] ?? '').toLowerCase();
  const authority = match?.[2] ?? '';
  if (authority.includes('@')) return { scheme, host: undefined };
  const host = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/i.exec(authority)?.[1]?.toLowerCase();
  return { scheme, host };
}

/** 127.0.0.0/8, ::1 and localhost: a department inbox on this very PC (tests, a local relay). */
function isLoopbackHost(host: string | undefined): boolean {
  if (host === undefined) return false;
  if (host === 'localhost' || host === '[::1]') return true;
  const octets = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return octets !== null && octets.slice(1).every((octet) => Number(octet) <= 255);
}

/**
 * A department endpoint carries the window's token and the applicants' files: https,
 * except on loopback where nothing crosses a wire (and `embedded`, the demo's inbox).
 */
export const DepartmentEndpoint = z.string().superRefine((endpoint, ctx) => {
  if (endpoint === 'embedded') return;
  const { scheme, host } = schemeAndHost(endpoint);
  if (z.url().safeParse(endpoint).success) {
    if (scheme === 'https' && host !== undefined) return;
    if (scheme === 'http' && isLoopbackHost(host)) return;
  }
  // One message for every way it fails: a union would only say "Invalid input".
  ctx.addIssue({
    code: 'custom',
    message:
      'must be "embedded" or an https:// URL without user name or password (plain http:// only for an inbox on this PC: 127.0.0.0/8, [::1] or localhost)',
  });
});

/**
 * Where an applicant follows a packet: a URL with `{code}` where the 查询号 goes, e.g.
 * `https://zwfw.example.gov.cn/track/{code}` — https, or http on loopback (a status page on
 * this PC: the demo) — or `embedded`: the status page of the embedded demo inbox.
 */
export const TrackingUrlTemplate = z.string().superRefine((template, ctx) => {
  if (template === 'embedded') return;
  const problems: string[] = [];
  if (!template.includes('{code}')) problems.push('must contain {code}, where the 查询号 goes');
  // The host comes from the template itself: a `{code}` there leaves none, and is refused.
  const { scheme, host } = schemeAndHost(template);
  const filled = template.split('{code}').join('ABCD-EFGH-JKMN');
  const isUrl = z.url().safeParse(filled).success && !/[\s"<>]/.test(template);
  if (!(isUrl && ((scheme === 'https' && host !== undefined) || (scheme === 'http' && isLoopbackHost(host))))) {
    problems.push(
      'must be "embedded" or an https:// URL without user name or password (plain http:// only on this PC: 127.0.0.0/8, [::1] or localhost)',
    );
  }
  if (template.length > 200) problems.push('must be at most 200 characters');
  for (const message of problems) ctx.addIssue({ code: 'custom', message });
});

/**
 * Words that mark text still waiting for an installer: the documents print names, phones and
 * remedies as they are, so a notice must never say 本机关的本级人民政府 or XX市人民政府.
 */
const PLACEHOLDER_MARKS = ['本机关', '某某', '待填写', '请填写', '示例', 'XX', 'ＸＸ', 'TODO', 'TBD', '…', '...'];

/** The placeholder mark a text holds, if any (case-insensitive for the Latin ones). */
export function placeholderIn(text: string): string | undefined {
  const upper = text.toUpperCase();
  return PLACEHOLDER_MARKS.find((mark) => upper.includes(mark));
}

/** Printed text an installer writes: non-empty, at most `max`, never placeholder wording. */
const PrintedText = (max: number, example: string) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .superRefine((text, ctx) => {
      const mark = placeholderIn(text);
      if (mark !== undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `is placeholder text ("${mark}" in "${text}"): write what the documents should print, e.g. ${example}`,
        });
      }
    });

/** A phone printed for applicants to call: digits, with - ( ) spaces or 转 for an extension. */
const PrintedPhone = PrintedText(30, '12345 or 010-12345678').refine(
  (phone) => /^[0-9()（）\- 转]{3,30}$/.test(phone),
  {
    message: 'must be a phone number applicants can dial: digits, optionally with - ( ) spaces or 转 (extension)',
  },
);

/** Where the department's decisions may be challenged, when the catalog names none for a department. */
export const ConfigRemedies = z
  .object({
    reconsiderationBody: PrintedText(80, '北京市西城区人民政府'),
    court: PrintedText(80, '北京市西城区人民法院'),
  })
  .strict();

/** An approving department (业务属地审批部门) this window forwards packets to. */
export const Department = z.object({
  id: z.string().min(1).max(64),
  name: PrintedText(80, '成都市锦江区医疗保障局'),
  /** Region codes (or prefixes) whose items route to this department. */
  regionCodes: z.array(z.string().regex(/^\d{2,6}$/)).min(1),
  /** Base URL of the department inbox; `embedded` means the demo inbox on loopback. */
  endpoint: DepartmentEndpoint,
  /** Name of the credential held by the key provider, never the token itself. */
  credential: z.string().optional(),
  signature: z.enum(['ed25519', 'sm2']).default('ed25519'),
});

/** The event log is kept at least six months (183 days), whatever a hall configures. */
export const MIN_EVENT_LOG_DAYS = 183;
export const RETENTION_DEFAULTS = { videoDays: 180, screenDays: 180, eventLogDays: 3 * 365 };

/**
 * Retention per kind of record (保存期限). Video and screen segments past theirs are purged
 * (their events stay on the chain, with the purge); the event log is never shorter than
 * the segments it vouches for, and never under six months.
 */
const Retention = z
  .object({
    /** The counter camera's segments. */
    videoDays: z.number().int().min(1).max(36_500).default(RETENTION_DEFAULTS.videoDays),
    /** The clerk's screen, as rrweb events. */
    screenDays: z.number().int().min(1).max(36_500).default(RETENTION_DEFAULTS.screenDays),
    /** The hash-chained event log of sessions (today nothing deletes events: this is the least kept). */
    eventLogDays: z.number().int().min(MIN_EVENT_LOG_DAYS).max(36_500).default(RETENTION_DEFAULTS.eventLogDays),
  })
  .strict()
  .refine((r) => r.eventLogDays >= Math.max(r.videoDays, r.screenDays), {
    path: ['eventLogDays'],
    message: 'must be at least videoDays and screenDays: the events vouch for the segments',
  });

export const APPLICANT_DEFAULTS = { confirmation: 'whenPaired' as const };
export const APP_DEFAULTS = { startAtLogin: false, kiosk: false };
export const CALLS_DEFAULTS = { iceServers: [], iceTransportPolicy: 'all' as const };

/**
 * The desktop app on this PC (the Electron shell; the browser host ignores it).
 * `startAtLogin`: the app starts when the user logs in (Windows: the user's login item;
 * Linux: ~/.config/autostart/tongban-desk.desktop), set or removed at each start of the
 * packaged app. `kiosk`: the clerk's window fills the screen in kiosk mode, with no way
 * out of it but quitting the app (a hall whose PCs run nothing else). Both off by default.
 */
const AppSettings = z
  .object({
    startAtLogin: z.boolean().default(APP_DEFAULTS.startAtLogin),
    kiosk: z.boolean().default(APP_DEFAULTS.kiosk),
  })
  .strict();
const FaceConfig = z
  .object({
    thresholds: FaceThresholds.default(DEFAULT_FACE_THRESHOLDS),
    keepFrames: z.boolean().default(false),
    keepDays: z.number().int().min(1).max(3650).default(FACE_SETTINGS_DEFAULTS.keepDays),
    sendWithPacket: z.boolean().default(false),
  })
  .strict()
  // This version keeps no face image or embedding at all (the packet carries the outcome and
  // scores): a hall cannot turn keeping on and be told something the app does not do.
  .refine((face) => !face.keepFrames, {
    path: ['keepFrames'],
    message: 'this version keeps no face images: keepFrames must stay false',
  })
  .refine((face) => !face.sendWithPacket, {
    path: ['sendWithPacket'],
    message: 'this version keeps no face images, so none can travel with the packet: sendWithPacket must stay false',
  });

export const HallConfig = z
  .object({
    profile: z.enum(['demo', 'configured']).default('configured'),
    hall: z.object({
      id: z.string().min(1).max(64),
      name: PrintedText(60, '北京市西城区政务服务中心'),
      /** Printed on notices as the number applicants call; 12345 is the national service hotline. */
      phone: PrintedPhone.default('12345'),
      /**
       * The remedies a department's document names when the catalog gives none for the
       * department; without either it names no body (依法申请行政复议 … 向人民法院提起行政诉讼).
       */
      remedies: ConfigRemedies.optional(),
    }),
    window: z.object({ id: z.string().min(1).max(64), name: PrintedText(60, '跨省通办专窗 1 号') }),
    regionCode: RegionCode,
    departments: z.array(Department).default([]),
    devices: z
      .object({
        idCardReader: IdCardReaderDevice.default({ transport: 'none' }),
        receiptPrinter: ReceiptPrinterDevice.default({ transport: 'none' }),
        documentCamera: Device.default({ transport: 'none' }),
        counterCamera: Device.default({ transport: 'none' }),
      })
      .default({
        idCardReader: { transport: 'none' },
        receiptPrinter: { transport: 'none' },
        documentCamera: { transport: 'none' },
        counterCamera: { transport: 'none' },
      }),
    security: z
      .object({
        maxFailedAttempts: z.number().int().min(3).max(10).default(5),
        lockoutMinutes: z
          .number()
          .int()
          .min(1)
          .max(24 * 60)
          .default(15),
        idleLockMinutes: z.number().int().min(1).max(120).default(10),
      })
      .default({ maxFailedAttempts: 5, lockoutMinutes: 15, idleLockMinutes: 10 }),
    logs: z.object({ keepFiles: z.number().int().min(7).max(400).default(200) }).default({ keepFiles: 200 }),
    /** Keys whose signed catalog files this hall accepts, besides the shipped catalog's. */
    catalog: z.object({ trustedKeys: z.array(TrustedKey).default([]) }).default({ trustedKeys: [] }),
    /** Local holidays and make-up workdays on top of the shipped national arrangement. */
    calendar: CalendarOverrides.optional(),
    /** 补正期限 in working days when an item sets none. */
    review: z.object({ correctionDays: z.number().int().min(1).max(60).default(5) }).default({ correctionDays: 5 }),
    /**
     * A draft's files together may not pass this many bytes (default 1 GiB): one applicant's
     * packet must fit the window's disk and the department's inbox, and travel in hours.
     */
    intake: z
      .object({
        maxDraftBytes: z
          .number()
          .int()
          .min(2 ** 20)
          .max(64 * 2 ** 30)
          .default(2 ** 30),
      })
      .default({ maxDraftBytes: 2 ** 30 }),
    /**
     * The receipt's QR code carries the tracking URL (the template with the 查询号 filled
     * in); without one it carries the bare 查询号 and the receipt does not promise 扫码查询.
     */
    tracking: z.object({ urlTemplate: TrackingUrlTemplate.optional() }).strict().default({}),
    /** The queue shows a deadline in yellow this many working days before its day (0: on the day only). */
    queue: z
      .object({ deadlineWarningWorkingDays: z.number().int().min(0).max(20).default(1) })
      .default({ deadlineWarningWorkingDays: 1 }),
    /**
     * Files sent in chunks (scans, multi-page PDFs): the largest one file may be, in MiB.
     * Stated to the clerk before an upload and refused before its first byte.
     */
    uploads: z
      .object({
        maxFileMiB: z
          .number()
          .int()
          .min(1)
          .max(16 * 1024)
          .default(1024),
      })
      .default({ maxFileMiB: 1024 }),
    /** How long each kind of a session's record is kept, in days. */
    retention: Retention.default(RETENTION_DEFAULTS),
    /**
     * 好差评: where the applicants' ratings are sent. By default each goes to the inbox of
     * its packet's department; `endpoint` names one department of `departments` (its URL,
     * token and window enrolment) that takes every rating instead, e.g. the region's
     * 好差评 system enrolled as a department.
     */
    ratings: z
      .object({ endpoint: z.string().min(1).max(64).optional() })
      .strict()
      .default({}),
    /**
     * The applicant screen (申请人屏). `confirmation`: `whenPaired` (default) — a seal needs
     * the applicant's confirmation, or the clerk's recorded reason why none, once an
     * applicant screen has been paired with this window since the app started; `required`
     * — always (a hall whose windows all have one). What is kept of faces, as the consent
     * notice tells the applicant, is `face` below.
     */
    applicant: z
      .object({
        confirmation: z.enum(['required', 'whenPaired']).default('whenPaired'),
      })
      .strict()
      .default(APPLICANT_DEFAULTS),
    /**
     * 人证比对: the thresholds of the face match, and what is kept of faces. Face images and
     * embeddings are not stored at all (keepFrames and sendWithPacket must stay off in this
     * version); the packet carries the outcome and the scores.
     */
    face: FaceConfig.default(FACE_SETTINGS_DEFAULTS),
    /** Start at login and kiosk mode of the desktop app. */
    app: AppSettings.default(APP_DEFAULTS),
    /**
     * 视频会商: the hall's STUN/TURN servers (added to those a department's inbox hands out
     * with each call), and `relay` to send media only through TURN (a hall whose network
     * lets no peer-to-peer UDP out).
     */
    calls: z
      .object({
        iceServers: z.array(IceServer).max(10).default([]),
        iceTransportPolicy: IceTransportPolicy.default('all'),
      })
      .strict()
      .default(CALLS_DEFAULTS),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.ratings.endpoint !== undefined && !config.departments.some((d) => d.id === config.ratings.endpoint)) {
      ctx.addIssue({
        code: 'custom',
        path: ['ratings', 'endpoint'],
        message: "must be the id of one of `departments` (ratings go to that department's inbox)",
      });
    }
    // The window id is what departments enrol and what every manifest names.
    if (config.departments.length > 0 && !WindowId.safeParse(config.window.id).success) {
      ctx.addIssue({
        code: 'custom',
        path: ['window', 'id'],
        message: 'must be 1–64 of A-Z a-z 0-9 . _ - (it is the id the departments enrol)',
      });
    }
    if (config.tracking.urlTemplate === 'embedded' && !config.departments.some((d) => d.endpoint === 'embedded')) {
      ctx.addIssue({
        code: 'custom',
        path: ['tracking', 'urlTemplate'],
        message: '"embedded" needs a department with endpoint "embedded" (the demo inbox) to serve the status page',
      });
    }
    const ids = config.departments.map((d) => d.id);
    ids.forEach((id, index) => {
      if (ids.indexOf(id) !== index) {
        ctx.addIssue({
          code: 'custom',
          path: ['departments', index, 'id'],
          message: `department id ${id} is listed twice`,
        });
      }
    });
  });
export type HallConfig = z.infer<typeof HallConfig>;

export const CONFIG_FILE = 'config.json';

/** Runs everything on this PC with simulated devices and an embedded department. */
export function demoConfig(): HallConfig {
  return HallConfig.parse({
    profile: 'demo',
    hall: { id: 'demo-hall', name: '演示政务服务中心' },
    window: { id: 'W01', name: '跨省通办专窗 1 号' },
    regionCode: '110105',
    departments: [
      {
        id: 'demo-dept',
        name: '演示审批部门',
        regionCodes: ['11', '12', '13', '31', '44', '51', '15'],
        endpoint: 'embedded',
      },
    ],
    devices: {
      idCardReader: { transport: 'simulated' },
      receiptPrinter: { transport: 'simulated' },
      documentCamera: { transport: 'uvc' },
      counterCamera: { transport: 'uvc' },
    },
    // The embedded inbox's public status page (GET /track/:code).
    tracking: { urlTemplate: 'embedded' },
  });
}

export function parseConfig(text: string, file = CONFIG_FILE): HallConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new AppError('config.invalid', `${file} is not valid JSON: ${(error as Error).message}`, { file });
  }
  const result = HallConfig.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new AppError('config.invalid', `${file}: ${problems.join('; ')}`, { file, problems: problems.join('；') });
  }
  return result.data;
}
