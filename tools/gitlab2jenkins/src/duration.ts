const UNIT_SECONDS: ReadonlyArray<readonly [RegExp, number]> = [
  [/^(s|secs?|seconds?)$/, 1],
  [/^(m|mins?|minutes?)$/, 60],
  [/^(h|hrs?|hours?)$/, 3600],
  [/^(d|days?)$/, 86400],
  [/^(w|wks?|weeks?)$/, 604800],
];

/**
 * Parses GitLab's human durations ('1h 30m', '3 hours', '2 days 4 hours', '90'); a bare number is
 * seconds, like GitLab's ChronicDuration. Returns undefined when the text is not a duration.
 */
export function parseDurationSeconds(text: string): number | undefined {
  const parts = text.trim().toLowerCase().replace(/\band\b|,/g, ' ').match(/(\d+(?:\.\d+)?)\s*([a-z]*)/g);
  if (!parts || parts.join('').replace(/\s/g, '') !== text.toLowerCase().replace(/\band\b|[,\s]/g, '')) return undefined;
  let total = 0;
  for (const part of parts) {
    const [, num, unit] = /(\d+(?:\.\d+)?)\s*([a-z]*)/.exec(part)!;
    const factor = unit === '' ? 1 : UNIT_SECONDS.find(([re]) => re.test(unit))?.[1];
    if (factor === undefined) return undefined;
    total += Number(num) * factor;
  }
  return total;
}
