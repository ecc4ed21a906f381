// Which recorded requests carry a body that is exactly JSON.stringify of its own parse: the body
// the client serialised from `json` itself, unchanged by redaction. The IdP log stores such a body
// as JSON and leaves the request's curl line out: a reader rebuilds the same text from it.
import type { RecordedRequest } from '../record/types.ts';

const canonical = new WeakSet<RecordedRequest>();

/** `request.body` is what JSON.stringify wrote (so JSON.stringify(JSON.parse(body)) === body). */
export function markCanonicalJsonBody(request: RecordedRequest): void {
  canonical.add(request);
}

export function hasCanonicalJsonBody(request: RecordedRequest): boolean {
  return canonical.has(request);
}
