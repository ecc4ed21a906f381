// RFC 7643 §3.1: meta.lastModified is "the most recent DateTime that the details of this resource
// were updated at the service provider". A change that leaves it where it was hides the change
// from every client that syncs incrementally (reads what changed since its last pass).
import { isDeepStrictEqual } from 'node:util';
import { DATE_TIME_FORM, instantOf } from '../spec/date-time.ts';
import { getPointer } from '../util/pointer.ts';
import { paramsObject, TEMPLATE } from './params.ts';
import { isVerdict, responseOf } from './response.ts';
import { defineCheckKind, fail, pass, skip } from './types.ts';


type LaterParams = { than: unknown; pointer?: string; change?: string; applied?: { pointer: string; equals: unknown } };

export const laterKind = defineCheckKind<LaterParams>({
  kind: 'later',
  description: 'A dateTime of the body (`pointer`, default /meta/lastModified) is strictly later than `than`, the value captured before a change (`change` names it: "the PUT"). With `applied` ({pointer, equals}) the check is judged only when the read-back shows the change took: a change the server ignored (or an attribute it does not keep) gives it no reason to move the timestamp.',
  defaultLevel: 'MUST',
  defaultRefs: ['RFC7643-3.1'],
  judges: 'content',
  params: paramsObject({ than: { anyOf: [{ type: 'string', minLength: 1 }, TEMPLATE] }, pointer: { type: 'string', pattern: '^/' }, change: { type: 'string', minLength: 1 }, applied: paramsObject({ pointer: { type: 'string', pattern: '^/' }, equals: {} }, { required: ['pointer', 'equals'] }) }, { required: ['than'] }),
  paramsRequired: true,
  verify(ctx) {
    const res = responseOf(ctx);
    if (isVerdict(res)) return res;
    const pointer = typeof ctx.params.pointer === 'string' ? ctx.params.pointer : '/meta/lastModified';
    const change = typeof ctx.params.change === 'string' ? ctx.params.change : 'the change';
    // A read-back that did not succeed shows no resource: nothing advanced, nothing to compare.
    if (res.status < 200 || res.status >= 300) return fail(`the read-back answered HTTP ${res.status}, not the resource`, { expected: '2xx with the resource', actual: res.status });
    const before = instantOf(ctx.params.than);
    if (before === undefined) return skip(`the value before ${change} was not an xsd:dateTime (RFC 7643 §2.3.5) (${JSON.stringify(ctx.params.than ?? null)}); meta checks report that`);
    const applied = ctx.params.applied;
    if (applied) {
      const shown = res.json === undefined ? undefined : getPointer(res.json, applied.pointer);
      if (!isDeepStrictEqual(shown, applied.equals)) return skip(`${change} did not take (${applied.pointer} reads ${JSON.stringify(shown ?? null)}, not ${JSON.stringify(applied.equals)}), so the timestamp had no reason to move; the update checks judge the change itself`);
    }
    const value = res.json === undefined ? undefined : getPointer(res.json, pointer);
    const after = instantOf(value);
    if (after === undefined) return fail(`${pointer} is ${JSON.stringify(value ?? null)}, not ${DATE_TIME_FORM}`, { pointer, expected: `a dateTime later than ${String(ctx.params.than)}`, actual: value ?? null });
    if (after === before) return fail(`${pointer} is still ${String(value)} after ${change}: it did not advance, so a client syncing changes since its last pass misses this one`, { pointer, expected: `later than ${String(ctx.params.than)}`, actual: value });
    if (after < before) return fail(`${pointer} went back from ${String(ctx.params.than)} to ${String(value)} after ${change}`, { pointer, expected: `later than ${String(ctx.params.than)}`, actual: value });
    return pass();
  },
});
