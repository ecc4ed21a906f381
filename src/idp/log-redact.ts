// Entra's Redact(): "replaces the attribute value with the string literal "[Redact]" in the
// provisioning logs" (Learn, functions-for-customizing-application-data), while the app receives
// the real value. The requests go out first; then every place the IdP shows them — the recorded
// exchange (its bodies, the app's answer, the curl line), the attribute changes, the reason and
// the error — has the value replaced before the result reaches the log, the pages, the console
// and `idp log`. Applied once, when an object's result is recorded.
import type { Exchange } from '../record/types.ts';
import { keepCurlLine } from './log/entries.ts';
import { readPath, type ScimValues } from './mapping.ts';
import type { ObjectResult } from './types.ts';

/** What Entra's provisioning logs show instead of a redacted value. */
export const REDACT_PLACEHOLDER = '[Redact]';

/** Below this length a value is replaced only where it is a whole JSON string or a whole attribute value, never inside other text. */
const MIN_FREE_TEXT = 4;

/**
 * The redacted values of each object (a user: what its mappings give now, and what the app was
 * sent before), applied to that object's results only: a cycle of 10,000 users with one secret
 * each searches each result for its own, not for all of them.
 */
export class LogRedactor {
  private readonly byObject = new Map<string, Set<string>>();

  /** The values of the redacted paths for one object, as the mapping produced them. */
  addValues(id: string, values: ScimValues, paths: ReadonlySet<string>): void {
    for (const path of paths) {
      const v = values[path];
      if (v === undefined) continue;
      let set = this.byObject.get(id);
      if (!set) this.byObject.set(id, (set = new Set()));
      addValue(set, v);
    }
  }

  /** One object's result and its exchanges, rewritten in place: nothing shown carries a redacted value. */
  apply(result: ObjectResult, exchanges: readonly Exchange[], paths: ReadonlySet<string>): void {
    const secrets = new Set(this.byObject.get(result.id) ?? []);
    // What the app answers at a redacted path is a secret too: the value pushed before, which the
    // state keeps only as a digest (sealed-values.ts), comes back in the GET an update starts with.
    if (paths.size > 0) for (const x of exchanges) for (const resource of resourcesOf(x.response?.json)) for (const path of paths) addValue(secrets, readPath(resource, path));
    new ObjectRedaction(secrets).apply(result, exchanges, paths);
  }
}

/** The resources in an answer: the resource itself, or a ListResponse's Resources. */
function resourcesOf(json: unknown): unknown[] {
  if (json === null || typeof json !== 'object') return [];
  const list = (json as { Resources?: unknown }).Resources;
  return Array.isArray(list) ? list : [json];
}

function addValue(set: Set<string>, v: ScimValues[string] | undefined): void {
  if (v === undefined) return;
  for (const one of Array.isArray(v) ? v : [v]) if (String(one) !== '' && String(one) !== REDACT_PLACEHOLDER) set.add(String(one));
}

class ObjectRedaction {
  constructor(private readonly secrets: ReadonlySet<string>) {}

  apply(result: ObjectResult, exchanges: readonly Exchange[], paths: ReadonlySet<string>): void {
    if (this.secrets.size === 0 && paths.size === 0) return;
    if (result.changes) {
      result.changes = result.changes.map((c) => (isRedactedPath(c.path, paths) ? { ...c, ...('old' in c ? { old: REDACT_PLACEHOLDER } : {}), ...('new' in c ? { new: REDACT_PLACEHOLDER } : {}) } : { ...c, ...('old' in c ? { old: this.value(c.old) } : {}), ...('new' in c ? { new: this.value(c.new) } : {}) }));
    }
    if (this.secrets.size === 0) return;
    result.reason = this.text(result.reason);
    if (result.error) result.error = { ...result.error, message: this.text(result.error.message) };
    if (result.steps) result.steps = this.value(result.steps) as typeof result.steps;
    for (const x of exchanges) {
      if (x.request.body !== undefined) x.request.body = this.text(x.request.body);
      x.request.url = this.text(x.request.url);
      x.curl = this.text(x.curl);
      // Rewritten: the log keeps this line instead of rebuilding it from the redacted request.
      keepCurlLine(x);
      if (x.response) {
        x.response.body = this.text(x.response.body);
        if (x.response.json !== undefined) x.response.json = this.value(x.response.json);
      }
    }
  }

  /** A JSON value with every string that is (or, long enough, holds) a secret replaced. */
  value(v: unknown): unknown {
    if (typeof v === 'string') return this.secrets.has(v) ? REDACT_PLACEHOLDER : this.text(v);
    if (typeof v === 'number' || typeof v === 'boolean') return this.secrets.has(String(v)) ? REDACT_PLACEHOLDER : v;
    if (Array.isArray(v)) return v.map((x) => this.value(x));
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.value(x)]));
    return v;
  }

  /**
   * Text (a body, a URL, a curl line, a message): each secret as a JSON string ("…", escaped as
   * JSON writes it), and a long enough one wherever it stands (percent-encoded in a URL too).
   */
  text(s: string): string;
  text(s: string | undefined): string | undefined;
  text(s: string | undefined): string | undefined {
    if (s === undefined || s === '') return s;
    let out = s;
    // Longest first: a secret that holds another is replaced whole.
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) {
      const quoted = JSON.stringify(secret);
      if (out.includes(quoted)) out = out.split(quoted).join(`"${REDACT_PLACEHOLDER}"`);
      if (secret.length < MIN_FREE_TEXT) continue;
      for (const form of new Set([secret, quoted.slice(1, -1), encodeURIComponent(secret)])) if (out.includes(form)) out = out.split(form).join(REDACT_PLACEHOLDER);
    }
    return out;
  }
}

const isRedactedPath = (path: string, paths: ReadonlySet<string>): boolean => paths.has(path) || [...paths].some((p) => p.toLowerCase() === path.toLowerCase());

