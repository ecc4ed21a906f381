import type { Level } from '../record/types.ts';
// What a fuzz property is: an arbitrary of inputs and an async check of one input against the target.
// The runner turns the pair into a fast-check property, runs it, shrinks failures and replays them.
import type fc from 'fast-check';
import type { Exchange } from '../record/types.ts';
import type { TargetSchemas } from './schemas.ts';
import type { FuzzTarget } from './target.ts';
import type { ScopeStrategy } from '../runner/scope-probe.ts';

export interface FuzzEnv {
  target: FuzzTarget;
  schemas: TargetSchemas;
  capabilities: Readonly<Record<string, boolean>>;
  /** How a query is limited to one run's users (src/runner/scope-probe.ts); unknown: `userName sw`. */
  scope?: ScopeStrategy;
  /**
   * `interop`: the server follows the SCIM interoperability profile, whose PATCH subset (§6.5)
   * forbids path-less operations and filters that target a whole element, and replaces a complex
   * attribute whole; generated PATCH documents stay inside that subset.
   */
  patchRules?: 'interop';
  /**
   * How the server shows group members, when the run learned it (src/runner/members-shown.ts):
   * 'on-request' reads ask with attributes=members; 'never' leaves members unjudged.
   */
  groupMembers?: 'on-request' | 'never';
}

export interface FuzzProperty<T = unknown> {
  /** `create-get` → check id `fuzz.create-get`. */
  id: string;
  /** Short tag in the names a run creates (`spf…-cg3-`). */
  tag: string;
  title: string;
  refs: string[];
  /** The level of the sentence the property stands for (default MUST). */
  level?: Level;
  /** Capabilities (discovery names) without which the property is skipped. */
  requires: string[];
  /** Judges group members read back: not judged on a server the run saw never show them. */
  readsMembers?: boolean;
  /**
   * Reads group members back (judged or not): before it runs, the run learns how the server shows
   * them when nothing has yet (src/runner/members-shown.ts), whatever suites ran before it.
   */
  readsGroups?: boolean;
  /** `replayPath` is set when replaying a command sequence (fast-check's commands need it back). */
  arbitrary(env: FuzzEnv, replayPath?: string): fc.Arbitrary<T>;
  /** Throws PropertyFailure when the target misbehaves for this input. */
  check(env: FuzzEnv, input: T): Promise<void>;
  /** A one-line, human description of an input for the report. */
  describe?(input: T): string;
}

/** The target broke the property; `exchange` is the request that showed it. */
export class PropertyFailure extends Error {
  constructor(
    message: string,
    readonly exchange?: Exchange,
    readonly expected?: unknown,
    readonly actual?: unknown,
  ) {
    super(message);
    this.name = 'PropertyFailure';
  }
}

/**
 * The target refused a request the schema allows with a clean 4xx SCIM error: a rule of the
 * application ("an email is required when userName is not an email"), not a broken protocol.
 * The generated case is set aside and reported once, at SHOULD, with the server's message.
 */
export class ServerRefusal extends Error {
  constructor(
    message: string,
    readonly exchange: Exchange,
    readonly detail: string,
  ) {
    super(message);
    this.name = 'ServerRefusal';
  }
}

/**
 * The target declined a generated filter with 400 invalidFilter, which RFC 7644 allows for any
 * "attribute and filter comparison combination" it does not support (§3.12, Table 9): many
 * servers filter only on the attributes IdPs match by. The case is set aside, neither judged nor a finding.
 */
export class FilterDeclined extends Error {
  constructor(
    message: string,
    readonly exchange: Exchange,
  ) {
    super(message);
    this.name = 'FilterDeclined';
  }
}

export function fail(message: string, exchange?: Exchange, expected?: unknown, actual?: unknown): never {
  throw new PropertyFailure(message, exchange, expected, actual);
}
