// The one place a result's display id is composed: `baseId[variant][item]`. Reporters, --only and
// --skip, baselines and JUnit all use the composed id, so ids released once stay what they were;
// nothing parses it back (results carry baseId, variant and item as fields).

export interface CheckIdParts {
  baseId: string;
  variant?: string;
  item?: string;
}

export function displayId(parts: CheckIdParts): string {
  return `${parts.baseId}${parts.variant !== undefined ? `[${parts.variant}]` : ''}${parts.item !== undefined ? `[${parts.item}]` : ''}`;
}

/** The base id of a result; run.json files written before results carried it fall back to the display id. */
export function baseIdOf(result: { checkId: string; baseId?: string }): string {
  return result.baseId ?? result.checkId;
}
