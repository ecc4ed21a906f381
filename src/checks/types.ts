import type { Discovery, Exchange, Level, SpecRef } from '../record/types.ts';

export type Verdict =
  | { ok: true; note?: string }
  /**
   * `level` (with `blocksIdp`) when what the server declares changes the sentence that applies: an
   * IdP replay whose RFC ground the server's /Schemas takes away still blocks the IdP, as a warning.
   * `blocksIdp: false` alone: the failure is the RFC's, in a detail no IdP is known to read.
   */
  | { ok: false; message: string; expected?: unknown; actual?: unknown; pointer?: string; level?: Level; blocksIdp?: boolean }
  /** The check does not apply to this exchange; the reason is shown. */
  | { ok: 'skip'; reason: string };

/** The parameters of a check kind after templating (the suite's `with`). */
export type Params = Record<string, unknown>;

export interface CheckContext<P extends Params = Params> {
  exchange: Exchange;
  /** Every exchange of the step, in order: one, or the pages of a `follow` walk (RFC 9865). */
  exchanges?: readonly Exchange[];
  /** Parameters from the suite step, already templated; their shape was validated at load time. */
  params: P;
  /** Everything captured so far in the scenario, plus run variables. */
  vars: Record<string, unknown>;
  discovery: Discovery;
  /** The id of the check being judged (its base id, without variant), when a suite step judges. */
  checkId?: string;
  /** Builds an absolute URL from a path relative to the SCIM base. */
  resolve(path: string): string;
}

/** A JSON Schema (draft 2020-12) as plain data. */
export type JsonSchema = { [keyword: string]: unknown };

/**
 * What a kind judges. `outcome` kinds judge whether the request got the answer it should
 * (succeeded, or was refused as it should be); `content` kinds judge what came back, which is
 * only meaningful once the outcome is right and reflects earlier requests; `form` kinds judge how
 * any answer is framed (its media type), whatever came before. The runner uses this to tell a
 * root cause from its consequences.
 */
export type Judges = 'outcome' | 'content' | 'form';

/**
 * A kind of judgement a suite can name. A suite step turns it into a check with a stable id,
 * title, level and references (the check instance); the kind only knows how to judge, and
 * declares the parameters it takes so that a typo in a suite is a load error, never a check
 * that cannot fail.
 */
export interface CheckKind<P extends Params = Params> {
  kind: string;
  /** What the kind verifies, for docs and `scimproof checks`. */
  description: string;
  defaultLevel: Level;
  defaultRefs: SpecRef[];
  judges: Judges;
  /**
   * JSON Schema of the suite's `with` for this kind, composed into src/suite/suite.schema.json.
   * Values that may be templates (`{{total}}`) allow `{ "$ref": "#/$defs/template" }`.
   */
  params: JsonSchema;
  /** True when a step naming this kind must give `with`. */
  paramsRequired?: boolean;
  verify(ctx: CheckContext<P>): Verdict;
}

/**
 * Registers a kind with its own parameter type. The registry holds kinds by their common shape;
 * the load-time schema check is what makes the narrowing in `verify` sound.
 */
export function defineCheckKind<P extends Params>(kind: CheckKind<P>): CheckKind {
  return kind as unknown as CheckKind;
}

export const pass = (note?: string): Verdict => (note ? { ok: true, note } : { ok: true });
export const fail = (message: string, extra: { expected?: unknown; actual?: unknown; pointer?: string } = {}): Verdict => ({ ok: false, message, ...extra });
export const skip = (reason: string): Verdict => ({ ok: 'skip', reason });
