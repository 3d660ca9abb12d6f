/**
 * How much of the JVM's 64 KB method limit a Jenkinsfile's `pipeline {}` block takes. Jenkins
 * compiles the script with groovy-cps' CpsTransformer, which turns each method body, closures
 * included, into one method building the program (`___cps___N`); past 64 KB of bytecode the class
 * cannot be written and Jenkins refuses the Jenkinsfile ("Method too large"). The whole
 * `pipeline {}` block is one such body; a function defined next to it is a method of its own.
 *
 * Measured with the real transformer (test/groovy/cps-facts.json), the block's statement lines
 * predict the limit across the shapes the translator emits (a multi-line string literal is one
 * line): the largest block that compiled had 968 lines, the smallest that failed 992.
 */
export function cpsLines(lines: readonly string[]): number {
  let count = 0;
  let inLiteral = false;
  for (const line of lines) {
    // A line inside a ''' literal is text, not code; an odd number of ''' toggles.
    let quotes = 0;
    for (let i = line.indexOf("'''"); i >= 0; i = line.indexOf("'''", i + 3)) quotes++;
    if (!inLiteral && line.trim() !== '') count++;
    if (quotes % 2 === 1) inLiteral = !inLiteral;
  }
  return count;
}

/**
 * Half the measured limit: Pipeline: Declarative adds its own model of every stage to the same
 * method (JENKINS-37984), which no engine here measures.
 */
export const CPS_LINE_BUDGET = 480;
