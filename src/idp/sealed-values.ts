// Entra's Redact() keeps a value out of everything the IdP shows; the IdP's own state is no
// exception (it is a file on disk, copied, attached to tickets). What the state needs of a
// redacted value is only whether it changed since it was pushed, so it keeps a keyed digest
// (HMAC-SHA-256 with a random key kept in the state) in its place. The key sits beside the
// digests: it stops a lookup table built once serving every state file, not a guess at a
// low-entropy value (a four-digit PIN) by someone holding the file.
import { createHmac, randomBytes } from 'node:crypto';
import type { MappedValue } from './mapping.ts';

/** How a digest kept in place of a redacted value starts: it reads as redacted wherever it is shown. */
export const SEAL_PREFIX = '[Redact] hmac-sha256:';

export const isSealed = (v: unknown): v is string => typeof v === 'string' && v.startsWith(SEAL_PREFIX);

export const newSealKey = (): string => randomBytes(18).toString('base64url');

/** The digest kept in place of a value (a value already sealed stays as it is). */
export function seal(value: MappedValue, key: string): string {
  if (isSealed(value)) return value;
  return SEAL_PREFIX + createHmac('sha256', key).update(JSON.stringify(value)).digest('base64url');
}

/** The values with those at redacted paths sealed; the same object when none is there. */
export function sealValues<T extends Record<string, MappedValue>>(values: T, paths: ReadonlySet<string>, key: string): T {
  let out: T | undefined;
  for (const path of paths) {
    const v = values[path];
    if (v === undefined || isSealed(v)) continue;
    out ??= { ...values };
    (out as Record<string, MappedValue>)[path] = seal(v, key);
  }
  return out ?? values;
}
