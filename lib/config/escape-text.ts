/**
 * Text as an operator must see it in an error: every character outside printable ASCII is shown as
 * `\u{XXXX}`, so an invisible (zero-width space, BOM, control) or look-alike (Cyrillic `а` for `a`)
 * character can be spotted and found in the file.
 */
export function escapeText(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    out += code >= 0x20 && code < 0x7f ? ch : code === 0x0a ? '\\n' : `\\u{${code.toString(16).toUpperCase().padStart(4, '0')}}`;
  }
  return out;
}

/** Latin letters that other scripts' letters are commonly mistaken for (Cyrillic and Greek look-alikes). */
const LOOK_ALIKES: Readonly<Record<string, string>> = {
  а: 'a', е: 'e', о: 'o', р: 'p', с: 'c', у: 'y', х: 'x', і: 'i', ј: 'j', ѕ: 's', һ: 'h', ԁ: 'd', ԛ: 'q', ԝ: 'w',
  А: 'A', В: 'B', Е: 'E', К: 'K', М: 'M', Н: 'H', О: 'O', Р: 'P', С: 'C', Т: 'T', Х: 'X',
  α: 'a', ο: 'o', ν: 'v', ρ: 'p', ι: 'i', κ: 'k', τ: 't', Α: 'A', Β: 'B', Ε: 'E', Ζ: 'Z', Η: 'H', Ι: 'I', Κ: 'K', Μ: 'M', Ν: 'N', Ο: 'O', Ρ: 'P', Τ: 'T', Χ: 'X', Υ: 'Y',
};

/** What `text` most likely was meant to be: invisible characters dropped, look-alikes and full-width forms folded to ASCII. */
export function foldToAscii(text: string): string {
  return [...text.normalize('NFKC')]
    .map((ch) => LOOK_ALIKES[ch] ?? ch)
    .filter((ch) => !/[\p{Cc}\p{Cf}\p{Z}]/u.test(ch))
    .join('');
}

/** The allowed name `written` most likely stands for (after folding, case or up to two typos), if any. */
export function likelyMeant(written: string, allowed: readonly string[]): string | undefined {
  const folded = foldToAscii(written);
  const exact = allowed.find((a) => a === folded) ?? allowed.find((a) => a.toLowerCase() === folded.toLowerCase());
  if (exact) return exact;
  const scored = allowed.map((a) => ({ a, d: editDistance(a.toLowerCase(), folded.toLowerCase()) })).sort((x, y) => x.d - y.d);
  const best = scored[0];
  return best && best.d <= Math.min(2, Math.floor(best.a.length / 3)) ? best.a : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
