// Whether a document being edited differs from the saved one. Compared as JSON with keys in a
// fixed order and absent values left out, as the server would store them: a change undone is
// no change, and key order or an `undefined` left by an editor is not one either.

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : canonical(item)));
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, item]) => [key, canonical(item)]);
    return Object.fromEntries(entries);
  }
  return value;
}

/** A text of the document that two equal documents share. */
export function documentKey(document: unknown): string {
  return JSON.stringify(canonical(document));
}

export function sameDocument(a: unknown, b: unknown): boolean {
  return a === b || documentKey(a) === documentKey(b);
}
