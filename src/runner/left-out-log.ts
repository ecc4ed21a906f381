// What the run left out of its requests because the target does not advertise it (schema-fit.ts),
// collected per attribute so the report can say what was not replayed and why.
import type { ExchangeOrigin, ReportSection } from '../record/types.ts';
import type { LeftOut } from './schema-fit.ts';

interface Entry {
  reason: string;
  steps: string[];
}

export class LeftOutLog {
  private readonly byAttribute = new Map<string, Entry>();

  record(origin: ExchangeOrigin, list: LeftOut[]): void {
    const step = `${origin.scenario} / ${origin.step}`;
    for (const { what, reason } of list) {
      const entry = this.byAttribute.get(what) ?? { reason, steps: [] };
      if (!entry.steps.includes(step)) entry.steps.push(step);
      this.byAttribute.set(what, entry);
    }
  }

  sections(): ReportSection[] {
    if (this.byAttribute.size === 0) return [];
    // One row per attribute, as name → why and where, so the report shows a table (scalars are fields).
    const rows = [...this.byAttribute].map(([attribute, { reason, steps }]) => [attribute, `${reason}; left out of ${steps.length} request(s): ${steps.slice(0, 3).join(', ')}${steps.length > 3 ? ', …' : ''}`] as const);
    return [
      {
        kind: 'schema-fit',
        title: 'Not sent: attributes the server does not advertise',
        data: {
          note: 'IdPs send only attributes the app advertises (Entra reads /Schemas; an Okta app profile lists what the vendor supports), so these were left out of requests and their read-back assertions were not judged.',
          ...Object.fromEntries(rows),
        },
      },
    ];
  }
}
