// RFC 8785 canonical JSON: the exact text that is hashed and signed (event chain,
// catalog files, packet manifests), so both sides of a signature compute the same bytes.
import canonicalizeModule from 'canonicalize';

// canonicalize is CommonJS whose typings claim a default export; under Node's ESM
// interop the module itself is the function.
const canonicalize = canonicalizeModule as unknown as (input: unknown) => string | undefined;

export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value has no JSON form');
  return text;
}
