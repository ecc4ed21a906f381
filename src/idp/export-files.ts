// What the services export (an Entra synchronization schema, an Okta profile mapping, Microsoft
// Graph's or Okta's user list) is read from the directory file itself or from a JSON file it names,
// relative to the directory file. Each object made from an export remembers where it came from
// (its file and JSON pointer), so a problem found later names the export's own place, not the
// scimproof form it was turned into.
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { jsonErrorText } from '../util/json-error.ts';

/** Where a piece of an export is: the file (as shown in messages) and the JSON pointer in it. */
export interface Origin {
  file: string;
  pointer: string;
}

/** A problem with an export: one line, `file#/pointer: message` (the directory loader's form). */
export class ExportError extends Error {
  constructor(readonly file: string, readonly pointer: string, readonly detail: string) {
    super(`${file}#${pointer}: ${detail}`);
    this.name = 'ExportError';
  }
}

/** RFC 6901: `~` and `/` in a key are escaped. */
export const pointerKey = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

const display = (file: string): string => {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') || rel === '' ? file : rel;
};

export interface Loaded {
  value: unknown;
  /** The file the value came from, as shown in messages. */
  file: string;
  /** The pointer of the value inside that file ('' for a whole file). */
  pointer: string;
  /** The file read (absolute), when the value was given as a file name. */
  path?: string;
}

/**
 * A value given inline (any JSON but a string) or as a file name (a string, relative to the
 * directory file). `at` is where the value stands in the directory file.
 */
export function loadExport(value: unknown, at: Origin, directoryPath: string): Loaded {
  if (typeof value !== 'string') return { value, file: at.file, pointer: at.pointer };
  const path = resolve(dirname(resolve(directoryPath)), value);
  const file = display(path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ExportError(at.file, at.pointer, `cannot read "${value}" (${(error as NodeJS.ErrnoException).code ?? String(error)}; the path is relative to the directory file)`);
  }
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  try {
    return { value: JSON.parse(text) as unknown, file, pointer: '', path };
  } catch (error) {
    throw new ExportError(file, '', `not valid JSON: ${jsonErrorText(error, text)}`);
  }
}

export const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
