// Runs Job DSL scripts (one file per argument) against a recording stub of the Job DSL API: every
// call (folder, multibranchPipelineJob, pipelineJob and whatever they nest) is recorded with its
// arguments, and its closure runs with a fresh recorder as delegate, as Job DSL's context objects do.
// Prints one JSON object: file -> list of calls {method, args, body}. Exits 1 on a script error.
import groovy.json.JsonOutput
import org.codehaus.groovy.control.CompilerConfiguration

class Recorder {
    final List calls = []
    def methodMissing(String name, Object args) {
        List list = args instanceof Object[] ? (args as List) : [args]
        Closure body = (list && list.last() instanceof Closure) ? list.last() : null
        def call = [method: name, args: (body ? list.init() : list).collect { plain(it) }, body: null]
        calls << call
        if (body) {
            def inner = new Recorder()
            body.delegate = inner
            body.resolveStrategy = Closure.DELEGATE_FIRST
            body.call(inner)
            call.body = inner.calls
        }
        return this
    }
    // Job DSL scripts read no free variables; one that does is a defect the harness reports.
    def propertyMissing(String name) { throw new MissingPropertyException("unknown variable ${name} in a Job DSL script") }
    static Object plain(Object value) {
        if (value instanceof GString) return value.toString()
        if (value instanceof Map) return value.collectEntries { k, v -> [(k.toString()): plain(v)] }
        if (value instanceof Collection) return value.collect { plain(it) }
        if (value instanceof Closure) return '<closure>'
        return value
    }
}

def config = new CompilerConfiguration()
config.scriptBaseClass = DelegatingScript.class.name
def shell = new GroovyShell(new Binding(), config)
def out = [:]
int failed = 0
for (String path : args) {
    def recorder = new Recorder()
    try {
        def script = (DelegatingScript) shell.parse(new File(path))
        script.setDelegate(recorder)
        script.run()
        out[path] = [calls: recorder.calls]
    } catch (Throwable e) {
        failed++
        out[path] = [error: e.toString()]
    }
}
println JsonOutput.toJson(out)
System.exit(failed == 0 ? 0 : 1)
