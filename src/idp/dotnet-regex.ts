// Entra reads every regular expression a customer writes (a scoping clause's REGEX MATCH, Replace's
// regexPattern) as a .NET one. The parts customers write and JavaScript reads otherwise are
// translated: leading inline options (`(?i)`, `(?m)`, `(?s)`) become flags, and Unicode categories
// (`\p{L}`) are read in Unicode mode (without it JavaScript takes `\p{L}` for the letters "p{L}":
// a clause silently never matches, `Replace([givenName], , "[^\\p{L}]", , "", , )` removes the
// letters it was to keep). A pattern Unicode mode refuses (it is stricter about escapes) is read as
// written. An inline option JavaScript has no equivalent for (`(?x)`) is an Error.
const LEADING_OPTIONS = /^\(\?([a-zA-Z]+)\)/;

/** `pattern` as .NET reads it, with `flags` (`g`) added. */
export function dotnetRegex(pattern: string, extraFlags = ''): RegExp {
  let source = pattern;
  let flags = extraFlags;
  const options = LEADING_OPTIONS.exec(pattern);
  if (options) {
    for (const option of options[1]!) {
      const flag = { i: 'i', m: 'm', s: 's' }[option.toLowerCase()];
      if (!flag) throw new Error(`the inline option (?${option}) has no equivalent here (only i, m and s are read)`);
      if (!flags.includes(flag)) flags += flag;
    }
    source = pattern.slice(options[0].length);
  }
  try {
    return new RegExp(source, `${flags}u`);
  } catch (error) {
    if (/\\[pP]\{/.test(source)) throw error;
    return new RegExp(source, flags);
  }
}
