// What keeps personal data out of the diagnostics bundle. Logs are written in English
// and name no applicant by design (core/log.ts redacts the usual field names when they
// are written); this is the second net, applied to every log line and free-text detail
// as it goes into the bundle, so a careless log call of any version, an error message
// that quotes its input, or a log written before a fix still leaves nothing behind:
//   - fields whose name can carry personal data lose their value, at any depth;
//   - any Chinese text in a value goes (a log's own words are English, so Chinese there
//     is data: a name, an address), as do runs of digits shaped like an ID number or
//     a mobile phone number.
// Secrets are the config's business (sanitizeConfig below).

/** Field names (compared lower-case, without `_`/`-`) whose values never leave in a bundle. */
export const PERSONAL_FIELDS: ReadonlySet<string> = new Set([
  'name',
  'fullname',
  'applicantname',
  'displayname',
  'holdername',
  'idnumber',
  'applicantidnumber',
  'idcard',
  'phone',
  'mobile',
  'telephone',
  'address',
  'birthdate',
  'photo',
  'signature',
  'password',
  'passwordhash',
  'token',
  // pino stamps every line with the PC's name, which can name its user.
  'hostname',
]);

const REDACTED = '[redacted]';

/** Han characters (basic, extension A, compatibility, extensions B–G) and the fullwidth forms. */
const CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff5e\u{20000}-\u{3134f}]+/gu;
/** 18-digit resident ID numbers (last may be X) and the old 15-digit ones. */
const ID_NUMBER = /(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])/g;
/** Mainland mobile numbers, with or without +86. */
const MOBILE = /(?<!\d)(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?!\d)/g;

const normalised = (key: string): string => key.toLowerCase().replace(/[_-]/g, '');

/** A free text with Chinese words, ID numbers and mobile numbers taken out. */
export function scrubText(text: string): string {
  return text.replace(CJK, '[zh]').replace(ID_NUMBER, '[id-number]').replace(MOBILE, '[phone]');
}

/** A JSON value with personal fields emptied at any depth and every string scrubbed. */
export function redactValue(value: unknown): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (Array.isArray(value)) return value.map(redactValue);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [
        scrubText(key),
        PERSONAL_FIELDS.has(normalised(key)) ? REDACTED : redactValue(inner),
      ]),
    );
  }
  return value;
}

/** A log file's text, line by line: pino's JSON lines redacted field by field, any other line scrubbed. */
export function redactLogText(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      if (line.trim() === '') return line;
      try {
        return JSON.stringify(redactValue(JSON.parse(line)));
      } catch {
        return scrubText(line);
      }
    })
    .join('\n');
}

/** Field names (compared lower-case) that could hold a secret in a config; their values are dropped. */
const SECRET_FIELD = /token|secret|password|passwd|passphrase|credential|private|apikey|cookie|auth/i;
/** URL query parameters that could carry a secret. */
const SECRET_PARAM = /token|secret|key|sig|pass|auth/i;

/**
 * The hall's config without anything that could be a secret: config.json holds only the
 * names of credentials today (department tokens live encrypted in the database and never
 * go in), but a field named like a secret is dropped whatever it holds, a URL loses any
 * user name and password and the values of secret-looking query parameters. Answers the
 * paths it changed, so the bundle says what was taken out.
 */
export function sanitizeConfig(config: unknown): { config: unknown; stripped: string[] } {
  const stripped: string[] = [];
  const walk = (value: unknown, path: string): unknown => {
    if (typeof value === 'string') {
      const clean = withoutUrlSecrets(value);
      if (clean !== value) stripped.push(path);
      return clean;
    }
    if (Array.isArray(value)) return value.map((inner, i) => walk(inner, `${path}[${i}]`));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, inner] of Object.entries(value)) {
        const at = path ? `${path}.${key}` : key;
        if (SECRET_FIELD.test(key)) {
          stripped.push(at);
          continue;
        }
        out[key] = walk(inner, at);
      }
      return out;
    }
    return value;
  };
  return { config: walk(config, ''), stripped };
}

function withoutUrlSecrets(text: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return text;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return text;
  }
  let changed = false;
  if (url.username || url.password) {
    url.username = '';
    url.password = '';
    changed = true;
  }
  for (const key of [...url.searchParams.keys()]) {
    if (SECRET_PARAM.test(key)) {
      url.searchParams.set(key, REDACTED);
      changed = true;
    }
  }
  // A template's `{code}` must come back as written, not percent-encoded.
  return changed ? decodeURI(url.toString()) : text;
}
