// Reads one of the JSON data files under suites/ (profiles, conflicts): a file that cannot be read
// or parsed is one line naming the file, as the caller's own error type.
import { readFileSync } from 'node:fs';

export function readDataFile(file: string, what: string, toError: (message: string) => Error): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (error) {
    throw toError(`${file}: cannot read ${what} (${error instanceof Error ? error.message : String(error)})`);
  }
}
