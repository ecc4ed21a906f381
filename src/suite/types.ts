import type { Level, SpecRef } from '../record/types.ts';

/** `default` sends the run's credentials; the others probe authentication. */
export type StepAuth = 'default' | 'none' | 'wrong-bearer' | 'wrong-basic';

export interface SendSpec {
  method?: string;
  /** Relative to the SCIM base URL; may hold `{{vars}}`. */
  path?: string;
  /** Build the request with an IdP dialect instead (`{{dialect}}` is the scenario's variant). */
  dialect?: string;
  /** The dialect's request builder (`createUser`, `disableUser` …). */
  request?: string;
  /** Arguments for the builder; may hold `{{vars}}`. */
  args?: Record<string, unknown>;
  query?: Record<string, string | number>;
  headers?: Record<string, string>;
  body?: unknown;
  /** Sent verbatim instead of `body` (malformed-input probes). */
  rawBody?: string;
  /** Attribute paths to delete from `body` before sending (`name.familyName`). */
  omit?: string[];
  auth?: StepAuth;
  /**
   * `nextCursor`: follow RFC 9865 cursors page after page to the end; `startIndex`: page on by
   * startIndex (RFC 7644 §3.4.2.4) while the pages hold fewer than totalResults, so a server that
   * caps its pages still shows every match (see FOLLOW_PAGE_LIMIT).
   */
  follow?: 'nextCursor' | 'startIndex';
  /** Send the request many times (rate-limit probes); 429s are not retried. */
  burst?: BurstSpec;
  /** `false`: send the body as written, even attributes the server does not advertise (a probe of exactly that). */
  fit?: boolean;
}

export interface BurstSpec {
  requests: number;
  /** Requests in flight at once (default 1). */
  concurrency?: number;
  /** Pace the starts at this many per second (default: as fast as the server answers). */
  perSecond?: number;
  /** Stop sending once a response has this status (429). */
  untilStatus?: number;
  /**
   * Send nothing for this long first, so that a rate limiter's window (a rolling second, a token
   * bucket) holds none of the run's earlier requests: they are not the burst's.
   */
  quietFirstMs?: number;
}

export interface Expectation {
  /** Stable, globally unique check id: `users.create.status`. */
  id: string;
  title: string;
  /** The check kind that judges (see src/checks/registry.ts). */
  check: string;
  with?: Record<string, unknown>;
  level?: Level;
  refs?: SpecRef[];
  /** What the IdP does when this fails ("Entra quarantines the job"). */
  impact?: string;
  /** Whether this check blocks the IdP verdict whatever its level (see CheckResult.blocksIdp). */
  blocksIdp?: boolean;
  /**
   * Check ids of earlier steps of the scenario that set up what this check judges (the attribute
   * it expects to be gone was there): when one did not pass, this check is skipped with that cause.
   */
  precondition?: string | string[];
  /**
   * Names of what an earlier step `learns` the server offers (two values of emails kept): when it
   * showed the server does not, this check is not judged, with that reason, whatever its level.
   * Unlike a precondition this is no failure upstream: a product may legally not offer it.
   */
  needs?: string[];
}

/**
 * What a step's answer shows the server offers, for the checks that `need` it: offered when the
 * array at `pointer` holds at least `atLeast` elements, not offered when it holds fewer (but some),
 * unknown when the answer holds none (an error, a bodiless 201): then the checks are judged. The
 * first step that tells decides.
 */
export interface Learn {
  name: string;
  pointer: string;
  atLeast: number;
  /** Why the checks are not judged when it is not offered, with its RFC section. */
  otherwise: string;
}

export interface Step {
  name: string;
  send: SendSpec;
  /** Repeat the step for each element of a run list (`requiredUserAttributes`); `{{item}}` is the element. */
  foreach?: string;
  expect?: Expectation[];
  /** var name → JSON pointer into the response body, or `header:<name>`, or alternatives `a || b` (the first that holds a value); `name[]` appends to a list. */
  capture?: Record<string, string>;
  /**
   * A capture may find nothing because the server may legally leave the value out: a success
   * without it stops the scenario with this reason, its checks skipped (not 'not run').
   */
  absentMeans?: string;
  /** Don't stop the scenario when this step's captures fail (probing steps). */
  continueOnFailure?: boolean;
  /**
   * Capabilities this step needs beyond its scenario's: without them its checks are skipped with
   * the reason and the scenario goes on (a PATCH probe among checks that need no PATCH).
   */
  requires?: string[];
  /**
   * A server timestamp (`{{createdAt}}`): before sending, wait one tick of the clock it is written
   * with (1 s when it has no fraction), so what the server stamps next is strictly later.
   */
  waitForTick?: string;
  /**
   * The User attribute this probe is about (`emails` sent as a string): when the request cannot
   * carry it as written (left out as unadvertised, or declared readOnly so the server ignores what
   * is sent, RFC 7644 §3.5.1), the step's checks are skipped with the reason.
   */
  probes?: string;
  /** What this step's answer shows the server offers (see Learn). */
  learn?: Learn[];
}

export interface Scenario {
  id: string;
  title: string;
  description?: string;
  /** Capabilities the server must advertise; otherwise every check is skipped with the reason. */
  requires?: string[];
  /** Run the scenario once per IdP dialect variant (selected by --dialect); `{{dialect}}` names it. */
  dialects?: string[];
  steps: Step[];
}

export interface SuiteFile {
  $schema?: string;
  suite: string;
  area: string;
  description?: string;
  scenarios: Scenario[];
}

/** A suite file after loading, with where it came from for error messages and report links. */
export interface LoadedSuite extends SuiteFile {
  file: string;
}
