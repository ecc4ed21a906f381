// The reasons a leftover carries that reports act on: one the target's own refusal of DELETE
// (405/501, RFC 7644 §3.12), which no later clean can get past.
export const DELETE_REFUSED = 'DELETE refused';
