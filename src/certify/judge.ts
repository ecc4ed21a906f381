// How a certification test records what it saw: each check is a CheckResult judged by the check
// kinds of src/checks (the same `status`, `list`, `error`, `body` judgements the suites use), or,
// for what no kind covers (a token response, a measured rate), a verdict written here with the
// exchanges it was made from. Requests go through the run's recording client with an origin that
// names the programme test, so every card shows the chain that led to it.
import { checkKind } from '../checks/registry.ts';
import type { Verdict } from '../checks/types.ts';
import { buildDialectRequest, type DialectName } from '../dialects/index.ts';
import type { OutgoingRequest } from '../http/client.ts';
import type { CheckResult, Exchange, Level } from '../record/types.ts';
import type { PhaseContext } from '../runner/run.ts';
import { fitRequest } from '../runner/schema-fit.ts';
import { withRequiredValues } from '../runner/required-fill.ts';
import { advertisedUser } from '../spec/advertised.ts';

export interface CheckSpec {
  id: string;
  title: string;
  level?: Level;
  refs: string[];
  impact?: string;
}

export class TestRecorder {
  /** Exchanges sent for this test so far: a failure card shows the chain that led to it. */
  readonly chain: Exchange[] = [];

  constructor(
    readonly ctx: PhaseContext,
    /** The programme test these checks belong to (`Create_User_Test`). */
    readonly test: string,
    private readonly area: string,
  ) {}

  async send(step: string, request: Omit<OutgoingRequest, 'origin'>): Promise<Exchange> {
    const exchange = await this.ctx.client.send({ ...request, signal: request.signal ?? this.ctx.signal, origin: { suite: 'certify', scenario: this.test, step } });
    this.chain.push(exchange);
    return exchange;
  }

  /**
   * Sends what an IdP dialect sends for `request` (the one place that knows those bytes), fitted to
   * /Schemas as the IdP's attribute mapping is: a vendor maps only attributes the app advertises
   * (Microsoft builds its direct test bodies from that mapping), so an RFC 7643 attribute the
   * server does not advertise (title, the enterprise extension …) is left out, and listed.
   */
  async sendAs(dialect: DialectName, request: string, args: Record<string, unknown>, step = request, options: Pick<OutgoingRequest, 'retries429'> = {}): Promise<Exchange> {
    const built = buildDialectRequest(dialect, request, args);
    // Attributes /Schemas marks required get a value, as the vendor's mapping gives them one.
    const json = withRequiredValues(built.method, built.path, built.json, this.ctx.discovery, Array.isArray(args.omit) ? args.omit : []);
    const outgoing = { method: built.method, path: built.path, ...(built.headers ? { headers: built.headers } : {}), ...(json !== undefined ? { json } : {}), ...options };
    const fitted = fitRequest(outgoing, advertisedUser(this.ctx.discovery), built.always ?? [], false);
    // A request with nothing left to send is sent as built: the test needs its answer to judge.
    if ('skip' in fitted) return this.send(step, outgoing);
    if (fitted.leftOut.length > 0) this.ctx.onLeftOut?.({ suite: 'certify', scenario: this.test, step }, fitted.leftOut);
    return this.send(step, fitted.request);
  }

  /** Judges `exchange` with a check kind of src/checks. */
  judge(spec: CheckSpec, exchange: Exchange, kind: string, params: Record<string, unknown> = {}): CheckResult {
    const k = checkKind(kind);
    if (!k) throw new Error(`unknown check kind "${kind}"`);
    let verdict: Verdict;
    try {
      verdict = this.verify(kind, exchange, params);
    } catch (error) {
      return this.emit(spec, { status: 'error', message: `harness error in check kind "${kind}": ${error instanceof Error ? error.message : String(error)}` }, [exchange]);
    }
    return this.verdict(spec, verdict, [exchange], spec.level ?? k.defaultLevel);
  }

  /** Several judgements of one exchange that must all hold: the first that does not decides. */
  judgeAll(spec: CheckSpec, exchange: Exchange, judgements: [kind: string, params: Record<string, unknown>][]): CheckResult {
    for (const [kind, params] of judgements) {
      const verdict = this.verify(kind, exchange, params);
      if (verdict.ok !== true) return this.verdict(spec, verdict, [exchange], spec.level ?? 'MUST');
    }
    return this.verdict(spec, { ok: true }, [exchange], spec.level ?? 'MUST');
  }

  /**
   * A programme test mirrors what Microsoft's and Okta's tests read, and they read the created
   * resource from the 201 body: a body judgement here fails a bodiless 201, which the suites' RFC
   * checks let pass (RFC 7644 §3.3 makes that body a SHOULD). Their tools compare what they read
   * with what they sent as they wrote it (no one has seen them fold case), so strings compare
   * exactly here even where RFC 7643 §7 lets a server alter their case.
   */
  private verify(kind: string, exchange: Exchange, params: Record<string, unknown>): Verdict {
    const judged = kind === 'body' ? { requireBody: true, exactCase: true, ...params } : params;
    return checkKind(kind)!.verify({ exchange, params: judged, vars: {}, discovery: this.ctx.discovery, resolve: (p) => this.ctx.client.resolve(p) });
  }

  pass(spec: CheckSpec, exchanges: Exchange[], note?: string): CheckResult {
    return this.verdict(spec, note ? { ok: true, note } : { ok: true }, exchanges, spec.level ?? 'MUST');
  }

  fail(spec: CheckSpec, exchanges: Exchange[], message: string, extra: { expected?: unknown; actual?: unknown; pointer?: string } = {}): CheckResult {
    return this.verdict(spec, { ok: false, message, ...extra }, exchanges, spec.level ?? 'MUST');
  }

  skip(spec: CheckSpec, reason: string): CheckResult {
    return this.emit(spec, { status: 'skip', reason }, []);
  }

  private verdict(spec: CheckSpec, verdict: Verdict, exchanges: Exchange[], level: Level): CheckResult {
    if (verdict.ok === 'skip') return this.emit(spec, { status: 'skip', reason: verdict.reason }, exchanges);
    if (verdict.ok === true) return this.emit(spec, { status: 'pass', ...(verdict.note ? { message: verdict.note } : {}) }, exchanges, level);
    const status = level === 'MUST' ? 'fail' : level === 'SHOULD' ? 'warn' : 'info';
    const { message, ...extra } = verdict;
    return this.emit(spec, { status, message, ...('expected' in extra ? { expected: extra.expected } : {}), ...('actual' in extra ? { actual: extra.actual } : {}), ...(extra.pointer ? { pointer: extra.pointer } : {}) }, exchanges, level);
  }

  /**
   * Once the run has stopped sending (its time budget ran out), a check that was skipped, or that
   * was judged on a request the stop abandoned, was not reached: it says so rather than blaming
   * the server ("the user was not created"). Judgements of complete answers stand.
   */
  private cutShort(outcome: Pick<CheckResult, 'status'> & Partial<CheckResult>, exchanges: Exchange[]): (Pick<CheckResult, 'status'> & Partial<CheckResult>) | undefined {
    if (outcome.status === 'pass' || !this.ctx.aborted()) return undefined;
    const abandoned = exchanges.find((x) => x.transportError?.code === 'aborted');
    if (!abandoned && outcome.status !== 'skip') return undefined;
    const reason = this.ctx.stopReason() ?? 'not reached: the run was stopped';
    if (!abandoned) return { status: 'skip', reason };
    return { status: 'skip', reason: `${reason} (while waiting for the answer to ${abandoned.request.method} ${new URL(abandoned.request.url).pathname}, ${abandoned.id})` };
  }

  private emit(spec: CheckSpec, reached: Pick<CheckResult, 'status'> & Partial<CheckResult>, exchanges: Exchange[], level: Level = spec.level ?? 'MUST'): CheckResult {
    const outcome = this.cutShort(reached, exchanges) ?? reached;
    // The card shows the chain: the requests of this test that led here, ending with the judged one.
    const judged = exchanges.map((x) => x.id);
    const before = this.chain.filter((x) => !judged.includes(x.id)).slice(-4).map((x) => x.id);
    const result: CheckResult = {
      checkId: spec.id,
      title: spec.title,
      area: this.area,
      suite: 'certify',
      level,
      refs: spec.refs,
      ...(spec.impact ? { impact: spec.impact } : {}),
      exchangeIds: outcome.status === 'skip' ? [] : [...before, ...judged],
      ...outcome,
    };
    this.ctx.onResult(result);
    return result;
  }
}
