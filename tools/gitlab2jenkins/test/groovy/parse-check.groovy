// Parses every file given as an argument as a Groovy script, up to the AST (Phases.CONVERSION):
// syntax only, no class resolution, so Jenkins steps need not exist. One JVM for all files.
// Prints "FAIL <file>: <first line of the error>" per broken file and exits 1 if any.
import org.codehaus.groovy.control.CompilationFailedException
import org.codehaus.groovy.control.CompilationUnit
import org.codehaus.groovy.control.Phases

int failed = 0
for (String path : args) {
    def unit = new CompilationUnit()
    unit.addSource(new File(path))
    try {
        unit.compile(Phases.CONVERSION)
    } catch (CompilationFailedException e) {
        failed++
        def detail = e.message.readLines().find { it.contains('@ line') } ?: e.message.readLines().last()
        println "FAIL ${path}: ${detail.trim()}"
    }
}
System.exit(failed == 0 ? 0 : 1)
