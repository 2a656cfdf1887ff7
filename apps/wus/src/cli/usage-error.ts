/**
 * Commander's usage errors as one line in the user's terms, with our prefix: the flag as typed,
 * the value given, what it must be, the suggestion on the same line, and where the usage is.
 * Commander's own wording is matched here (apps/wus/test/bad-input.e2e.test.ts pins each form,
 * so a commander upgrade that rewords one fails there).
 */
const REWRITES: readonly [RegExp, string][] = [
  // --optimizer adamw → "--optimizer must be one of: sgd, adam, got "adamw""
  [/^option '(?:-\w, )?(--[\w-]+)[^']*' argument '(.*)' is invalid\. Allowed choices are (.*)\.$/s, '$1 must be one of: $3, got "$2"'],
  [/^option '(?:-\w, )?(--[\w-]+)[^']*' argument '(.*)' is invalid\. (.*)$/s, '$1: $3'],
  [/^option '(?:(-\w), )?(--[\w-]+) <([^>]*)>' argument missing$/, '$2 needs a value ($3)'],
  [/^unknown option '(.*)'(?:\n\(Did you mean (.*)\?\))?$/, 'unknown option $1 (did you mean $2?)'],
  [/^unknown command '(.*)'(?:\n\(Did you mean (.*)\?\))?$/, 'unknown command "$1" (did you mean $2?)'],
  [/^missing required argument '(.*)'$/, 'missing argument <$1>'],
  [/^too many arguments(?: for '.*')?\. Expected \d+ arguments? but got \d+: (.*)\.$/, 'unexpected argument(s): $1'],
];

export function usageErrorLine(text: string, commandPath: string): string {
  let line = text.trim().replace(/^error: /, '');
  for (const [pattern, replacement] of REWRITES) {
    if (pattern.test(line)) {
      line = line.replace(pattern, replacement).replace(' (did you mean ?)', '');
      break;
    }
  }
  return `wus: error: ${line.replace(/\s*\n\s*/g, ' ')}; see \`${commandPath} --help\``;
}
