// Which `{{variables}}` a suite step may use, checked when the file is loaded. A step whose
// template names a variable that nothing can ever set would be skipped at every run ("{{x}} has no
// value"), so the check it carries could never fail: a vendor's typo (`{{userID}}` for a capture
// named `user`) read as a passing run. Such a file is refused with the file, the step and the name.
import { expressionsIn, nameOf, unclosedTemplate, variableOf } from '../runner/template.ts';
import type { Scenario, Step } from './types.ts';

/**
 * Variables the runner gives every scenario (src/runner/run.ts builds them). Some are set only
 * when the server makes them meaningful (`maxPageSize` when it declares a page cap,
 * `declaredUser` when /Schemas declares User attributes, `scopeStrategy` when a scope filter was
 * found); a step using one of those is skipped, with the reason, on a server without it.
 */
export const RUN_VARIABLES = [
  'prefix',
  'runId',
  'baseUrl',
  'nonexistentId',
  'randomUuid',
  'requiredUserAttributes',
  'longString',
  'matchingAttribute',
  'fifty',
  'maxPageSize',
  'aboveMaxPageSize',
  'declaredUser',
  'scopeStrategy',
] as const;

export type RunVariable = (typeof RUN_VARIABLES)[number];

/** Run variables that hold a list a `foreach` step can walk. */
const RUN_LISTS = ['requiredUserAttributes', 'fifty'];

/** Set by the runner for each scenario (`{{scenario.tag}}`, `{{scenario.uuid}}`, `{{scenario.scope}}`). */
const SCENARIO_VARIABLES = ['scenario'];
/** The members of `{{scenario}}` (src/runner/scenario.ts); `scope` only when a scope filter was found. */
const SCENARIO_MEMBERS = ['tag', 'uuid', 'scope'];

/** A step's use of a variable nothing sets: where (a JSON pointer inside the file) and what. */
export interface UnsetVariable {
  pointer: string;
  detail: string;
}

const escape = (segment: string): string => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/** Every `{{…}}` in suite data with the pointer of the string it is in; `$each … as` adds its name inside `do`. */
interface Use {
  pointer: string;
  root: string;
  /** The whole dotted name (`scenario.tag`). */
  name: string;
  scope: ReadonlySet<string>;
  /** The text of a `{{` never closed, when this string holds one. */
  unclosed?: string;
}

function templatesIn(value: unknown, pointer: string, scope: ReadonlySet<string>, out: Use[]): void {
  if (typeof value === 'string') {
    const unclosed = unclosedTemplate(value);
    if (unclosed !== undefined) out.push({ pointer, root: '', name: '', scope, unclosed });
    for (const expression of expressionsIn(value)) out.push({ pointer, root: variableOf(expression), name: nameOf(expression), scope });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((element, i) => templatesIn(element, `${pointer}/${i}`, scope, out));
    return;
  }
  if (!value || typeof value !== 'object') return;
  const record = value as Record<string, unknown>;
  const inner = '$each' in record && typeof record.as === 'string' ? new Set([...scope, record.as.toLowerCase()]) : '$each' in record ? new Set([...scope, 'item']) : scope;
  for (const [key, child] of Object.entries(record)) {
    templatesIn(key, `${pointer}/${escape(key)}`, scope, out);
    templatesIn(child, `${pointer}/${escape(key)}`, key === 'do' ? inner : scope, out);
  }
}

const capturesOf = (step: Step): string[] => Object.keys(step.capture ?? {}).map((name) => name.replace(/\[\]$/, '').toLowerCase());

/**
 * The first use of a variable in the scenario that no step can set: not a run or scenario
 * variable, not `{{item}}` of a `foreach` step, not `{{dialect}}` of a scenario with dialects, and
 * not captured by an earlier step (a step's checks may also use what the step itself captures).
 * Names are compared without case, as the template lookup finds them.
 */
export function firstUnsetVariable(scenario: Scenario, scenarioPointer: string): UnsetVariable | undefined {
  const given = new Set<string>([...RUN_VARIABLES, ...SCENARIO_VARIABLES].map((n) => n.toLowerCase()));
  if (scenario.dialects && scenario.dialects.length > 0) given.add('dialect');
  const captured = new Set<string>();
  const laterCapture = (name: string, from: number): string | undefined => scenario.steps.slice(from).find((s) => capturesOf(s).includes(name))?.name;
  for (const [t, step] of scenario.steps.entries()) {
    const at = `${scenarioPointer}/steps/${t}`;
    if (step.foreach !== undefined && !RUN_LISTS.some((n) => n.toLowerCase() === step.foreach!.toLowerCase())) {
      return { pointer: `${at}/foreach`, detail: `step "${step.name}" repeats over "${step.foreach}", which is no list the run sets (${RUN_LISTS.join(', ')}), so it would never run` };
    }
    const before = new Set([...given, ...captured, ...(step.foreach !== undefined ? ['item'] : [])]);
    const own = new Set([...before, ...capturesOf(step)]);
    const sent: Use[] = [];
    templatesIn(step.send, `${at}/send`, before, sent);
    if (step.waitForTick !== undefined) templatesIn(step.waitForTick, `${at}/waitForTick`, before, sent);
    const judged: Use[] = [];
    (step.expect ?? []).forEach((e, i) => templatesIn(e.with, `${at}/expect/${i}/with`, own, judged));
    for (const uses of [sent, judged]) {
      const open = uses.find((u) => u.unclosed !== undefined);
      if (open) return { pointer: open.pointer, detail: `step "${step.name}" has "${open.unclosed}" with no closing }}, so it would be sent as written` };
      const member = uses.find((u) => u.root.toLowerCase() === 'scenario' && !SCENARIO_MEMBERS.includes(u.name.split('.')[1] ?? ''));
      if (member) return { pointer: member.pointer, detail: `step "${step.name}" uses {{${member.name}}}, which has no value: the run sets ${SCENARIO_MEMBERS.map((m) => `scenario.${m}`).join(', ')}, so the step would be skipped at every run` };
    }
    for (const [uses, from] of [[sent, t], [judged, t + 1]] as const) {
      const use = uses.find((u) => u.unclosed === undefined && !u.scope.has(u.root.toLowerCase()));
      if (!use) continue;
      const later = laterCapture(use.root.toLowerCase(), from);
      const why = later === undefined ? 'no step of this scenario captures it and the run does not set it' : later === step.name ? 'the step captures it only from its own answer' : `it is captured only later, by step "${later}"`;
      return { pointer: use.pointer, detail: `step "${step.name}" uses {{${use.root}}}, which has no value there: ${why}, so the step would be skipped at every run` };
    }
    for (const name of capturesOf(step)) captured.add(name);
  }
  return undefined;
}
