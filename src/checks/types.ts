import type { Discovery, Exchange, Level, SpecRef } from '../record/types.ts';

export type Verdict =
  | { ok: true; note?: string }
  | { ok: false; message: string; expected?: unknown; actual?: unknown; pointer?: string }
  /** The check does not apply to this exchange; the reason is shown. */
  | { ok: 'skip'; reason: string };

export interface CheckContext {
  exchange: Exchange;
  /** Every exchange of the step, in order: one, or the pages of a `follow` walk (RFC 9865). */
  exchanges?: readonly Exchange[];
  /** Parameters from the suite step, already templated. */
  params: Record<string, unknown>;
  /** Everything captured so far in the scenario, plus run variables. */
  vars: Record<string, unknown>;
  discovery: Discovery;
  /** Builds an absolute URL from a path relative to the SCIM base. */
  resolve(path: string): string;
}

/**
 * A kind of judgement a suite can name. A suite step turns it into a check with a stable id,
 * title, level and references (the check instance); the kind only knows how to judge.
 */
export interface CheckKind {
  kind: string;
  /** What the kind verifies, for docs and `scimproof checks`. */
  description: string;
  defaultLevel: Level;
  defaultRefs: SpecRef[];
  verify(ctx: CheckContext): Verdict;
}

export const pass = (note?: string): Verdict => (note ? { ok: true, note } : { ok: true });
export const fail = (message: string, extra: { expected?: unknown; actual?: unknown; pointer?: string } = {}): Verdict => ({ ok: false, message, ...extra });
export const skip = (reason: string): Verdict => ({ ok: 'skip', reason });
