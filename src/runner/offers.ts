// What a scenario learned the server offers from its own answers (a step's `learn`), and the checks
// that `need` it. This is no failure upstream, unlike a precondition (consequences.ts): a product
// may legally not offer it (RFC 7644 §3.3 lets a service provider ignore content it does not store,
// so one that keeps one email answers a create with two by showing one). A check that needs what
// is not offered is not judged, whatever its level and whatever the earlier checks said: a
// severity rule cannot express "not offered", since nothing failed.
import type { CheckResult, Exchange } from '../record/types.ts';
import type { Expectation, Learn } from '../suite/types.ts';
import { getPointer } from '../util/pointer.ts';
import { describeExchange, type Judged } from './consequences.ts';

export interface Offer {
  offered: boolean;
  /** Why a check that needs it is not judged (only when not offered). */
  reason: string;
  exchangeId: string;
  summary: string;
}

/** Offers told by one scenario's answers so far, by name; the first answer that tells decides. */
export type Offers = Map<string, Offer>;

/** Records what this answer tells of each `learn` of its step that no earlier answer told. */
export function learnFrom(learns: readonly Learn[] | undefined, exchange: Exchange, offers: Offers): void {
  const status = exchange.response?.status;
  if (!learns || status === undefined || status < 200 || status >= 300) return;
  for (const learn of learns) {
    if (offers.has(learn.name)) continue;
    const value = getPointer(exchange.response?.json, learn.pointer);
    // None at all is no answer (a bodiless 201, an attribute not returned): a later step may tell.
    if (!Array.isArray(value) || value.length === 0) continue;
    const offered = value.length >= learn.atLeast;
    const summary = `${describeExchange(exchange)} with ${value.length} element(s) at ${learn.pointer}`;
    offers.set(learn.name, { offered, reason: offered ? '' : `not judged: ${learn.otherwise} (${summary})`, exchangeId: exchange.id, summary });
  }
}

/** The results of checks that need what the server was shown not to offer become skips with that reason. */
export function gateOnOffers(judged: Judged[], expectations: readonly Expectation[], offers: Offers): void {
  judged.forEach((j, i) => {
    const missing = (expectations[i]!.needs ?? []).map((name) => offers.get(name)).find((o) => o !== undefined && !o.offered);
    if (!missing) return;
    j.result = notOfferedResult(j.result, missing);
  });
}

function notOfferedResult(result: CheckResult, offer: Offer): CheckResult {
  const { message: _message, expected: _expected, actual: _actual, pointer: _pointer, causedBy: _causedBy, ...rest } = result;
  return { ...rest, status: 'skip', reason: offer.reason, causedBy: { exchangeId: offer.exchangeId, summary: offer.summary } };
}
