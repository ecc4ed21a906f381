// The syntax tree of a SCIM filter (RFC 7644 §3.4.2.2) and of a PATCH path (§3.5.2).
// Pure data: parsing knows nothing about schemas; `compile.ts` resolves names against one.

export type CompareOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export type CompareValue = string | number | boolean | null;

/** `[urn:…:]name[.sub]` exactly as written (case preserved). */
export interface AttrPath {
  /** Schema URN prefix, when the name was URN-qualified. */
  uri?: string;
  name: string;
  sub?: string;
  /** The whole path as written, for messages. */
  text: string;
}

export type Filter =
  | { kind: 'compare'; path: AttrPath; op: CompareOperator; value: CompareValue }
  | { kind: 'present'; path: AttrPath }
  | { kind: 'and' | 'or'; left: Filter; right: Filter }
  | { kind: 'not'; filter: Filter }
  /**
   * `emails[type eq "work"]` — true when one element of the multi-valued attribute matches `filter`.
   * `emails[type eq "work"].value eq "x"` is folded into this form (an `and` inside the brackets) so the
   * two conditions apply to the same element.
   */
  | { kind: 'valuePath'; path: AttrPath; filter: Filter };

/** A PATCH `path`: `attrPath`, or `attrPath[valFilter]` optionally followed by `.subAttr`. */
export interface PatchPath {
  attr: AttrPath;
  filter?: Filter;
  /** Sub-attribute after a value filter (`emails[type eq "work"].value`). */
  subAfterFilter?: string;
  text: string;
}

export class FilterSyntaxError extends Error {
  /** `unknown`: the text is well formed but names an attribute or schema the resource does not have. */
  constructor(
    message: string,
    readonly reason: 'syntax' | 'unknown' = 'syntax',
  ) {
    super(message);
    this.name = 'FilterSyntaxError';
  }
}
