// Runs Job DSL scripts against a recording stub: every method call becomes a node with its
// arguments, and a trailing closure runs with a recorder for its children, as Job DSL runs its
// contexts (delegate first). Input: files, one script each; output: a JSON array with, per script,
// its top-level calls as trees {name, args, children}. A script that does not compile or throws
// fails the run, as it would fail the seed.
import groovy.json.JsonOutput
import org.codehaus.groovy.control.CompilerConfiguration

class Call {
    String name
    List args = []
    List children = []
}

class Recorder {
    List calls
    Recorder(List calls) { this.calls = calls }

    def methodMissing(String name, Object argsObject) {
        List args = (argsObject as Object[]) as List
        Closure body = args && args[-1] instanceof Closure ? (Closure) args.remove(args.size() - 1) : null
        def call = new Call(name: name, args: args.collect { plain(it) })
        calls << call
        if (body != null) {
            def inner = body.rehydrate(new Recorder(call.children), body.owner, body.thisObject)
            inner.resolveStrategy = Closure.DELEGATE_FIRST
            inner.call()
        }
        return null
    }

    static Object plain(Object value) {
        if (value instanceof GString) return value.toString()
        if (value instanceof List) return value.collect { plain(it) }
        if (value instanceof Map) return value.collectEntries { k, v -> [(k.toString()): plain(v)] }
        return value
    }
}

def config = new CompilerConfiguration()
config.scriptBaseClass = DelegatingScript.name
def results = args.collect { String path ->
    def shell = new GroovyShell(this.class.classLoader, new Binding(), config)
    def script = (DelegatingScript) shell.parse(new File(path))
    def calls = []
    script.setDelegate(new Recorder(calls))
    script.run()
    calls
}
println JsonOutput.toJson(results)
