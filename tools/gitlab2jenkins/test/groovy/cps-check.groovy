// Compiles Jenkinsfiles the way Jenkins does before running them, with groovy-cps' CpsTransformer,
// to bytecode, and prints "<file> ok" or "<file> fail <message>" ("Method too large: ..."). The
// transformer is not on npm or Debian: compile workflow-cps-plugin's lib/src/main and
// groovy-sandbox's src/main (commits in cps-facts.json) with javac against /usr/share/groovy/lib
// and Debian's guava (Continuable's generated category list replaced by List.of()), then
//   groovy -cp <classes>:/usr/share/java/guava.jar cps-check.groovy Jenkinsfile...
// Its results are kept in cps-facts.json, which test/cps-size.test.ts checks the translator against.
import org.codehaus.groovy.control.*
import org.codehaus.groovy.control.customizers.ImportCustomizer
import com.cloudbees.groovy.cps.CpsTransformer
for (String path : args) {
  def cc = new CompilerConfiguration()
  def imports = new ImportCustomizer(); imports.addImports('com.cloudbees.groovy.cps.NonCPS')
  cc.addCompilationCustomizers(imports, new CpsTransformer())
  def cu = new CompilationUnit(cc)
  cu.addSource(new SourceUnit('WorkflowScript', new File(path).text, cc, null, cu.errorCollector))
  try { cu.compile(Phases.CLASS_GENERATION); println "${new File(path).name} ok" }
  catch (Throwable t) { println "${new File(path).name} fail ${t.message.readLines().findAll { it.trim() }.drop(1).take(1).join(' ').take(120)}" }
}
