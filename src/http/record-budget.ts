// How much of the message bodies a client keeps, so a run's memory and report stay bounded
// whatever the target sends. Each body keeps its first `perBody` characters; once the client has
// kept `total` characters in all, later bodies keep only `afterTotal`. A response parsed from a
// body longer than it keeps holds its parsed JSON only while it is among the newest (its checks
// run right after it arrives), up to `heldChars` of such bodies; the record never keeps it.
import type { RecordedResponse } from '../record/types.ts';

export const RECORD_TOTAL_CHARS = 32 * 1024 * 1024;
const AFTER_TOTAL_CHARS = 4 * 1024;
const HELD_JSON_CHARS = 8 * 1024 * 1024;

export class RecordBudget {
  private spent = 0;
  private readonly held: { response: RecordedResponse; chars: number }[] = [];
  private heldChars = 0;

  constructor(
    private readonly perBody: number,
    private readonly total = RECORD_TOTAL_CHARS,
    private readonly afterTotal = AFTER_TOTAL_CHARS,
    private readonly heldLimit = HELD_JSON_CHARS,
  ) {}

  /** Characters the next body may keep. */
  limit(): number {
    return this.spent < this.total ? this.perBody : Math.min(this.perBody, this.afterTotal);
  }

  spend(chars: number): void {
    this.spent += chars;
  }

  /** A response whose JSON was parsed from `chars` characters, more than its body keeps. */
  hold(response: RecordedResponse, chars: number): void {
    this.held.push({ response, chars });
    this.heldChars += chars;
    while (this.held.length > 1 && this.heldChars > this.heldLimit) this.drop(this.held.shift()!);
  }

  /** Lets go of every held parse (the client is closed: the record keeps the kept text only). */
  releaseAll(): void {
    for (const entry of this.held.splice(0)) this.drop(entry);
  }

  private drop(entry: { response: RecordedResponse; chars: number }): void {
    this.heldChars -= entry.chars;
    delete entry.response.json;
  }
}
