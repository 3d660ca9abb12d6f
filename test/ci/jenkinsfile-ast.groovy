// Parses each Jenkinsfile given as an argument to the Groovy AST (Phases.CONVERSION, as Declarative
// Pipeline's own parser does: the pipeline is read from the AST, not executed) and prints one JSON
// object: file -> statements, each a method call {call, args, named, body} or another node kind.
import groovy.json.JsonOutput
import org.codehaus.groovy.ast.expr.*
import org.codehaus.groovy.ast.stmt.*
import org.codehaus.groovy.control.CompilationFailedException
import org.codehaus.groovy.control.CompilationUnit
import org.codehaus.groovy.control.Phases

def node
def statements
statements = { Statement s ->
    if (s instanceof BlockStatement) return s.statements.collectMany { statements(it) }
    if (s instanceof ExpressionStatement) return [node(s.expression)]
    if (s instanceof IfStatement) return [[kind: 'if', text: s.booleanExpression.text, then: statements(s.ifBlock), else: statements(s.elseBlock)]]
    if (s instanceof EmptyStatement) return []
    return [[kind: 'statement', text: s.text]]
}
node = { Expression e ->
    if (e instanceof MethodCallExpression) {
        def call = [kind: 'call', call: e.methodAsString, on: e.implicitThis ? null : node(e.objectExpression), args: [], named: [:], body: null]
        def arguments = e.arguments instanceof TupleExpression ? e.arguments.expressions : [e.arguments]
        for (a in arguments) {
            if (a instanceof NamedArgumentListExpression || a instanceof MapExpression) {
                a.mapEntryExpressions.each { call.named[it.keyExpression.text] = node(it.valueExpression) }
            } else if (a instanceof ClosureExpression) {
                call.body = statements(a.code)
            } else call.args << node(a)
        }
        return call
    }
    if (e instanceof ConstantExpression) return [kind: 'const', value: e.value]
    if (e instanceof GStringExpression) return [kind: 'gstring', strings: e.strings*.text, values: e.values.collect { node(it) }]
    if (e instanceof VariableExpression) return [kind: 'var', name: e.name]
    if (e instanceof ListExpression) return [kind: 'list', items: e.expressions.collect { node(it) }]
    if (e instanceof MapExpression) return [kind: 'map', entries: e.mapEntryExpressions.collectEntries { [(it.keyExpression.text): node(it.valueExpression)] }]
    if (e instanceof ClosureExpression) return [kind: 'closure', body: statements(e.code)]
    if (e instanceof DeclarationExpression) return [kind: 'declare', name: e.leftExpression.text, value: node(e.rightExpression)]
    if (e instanceof BinaryExpression && e.operation.text == '=') return [kind: 'assign', name: e.leftExpression.text, value: node(e.rightExpression)]
    if (e instanceof BinaryExpression) return [kind: 'binary', op: e.operation.text, left: node(e.leftExpression), right: node(e.rightExpression)]
    if (e instanceof PropertyExpression) return [kind: 'property', on: node(e.objectExpression), name: e.propertyAsString]
    return [kind: 'expr', text: e.text]
}

def out = [:]
int failed = 0
for (String path : args) {
    def unit = new CompilationUnit()
    def source = unit.addSource(new File(path))
    try {
        unit.compile(Phases.CONVERSION)
        out[path] = [statements: statements(source.AST.statementBlock)]
    } catch (CompilationFailedException e) {
        failed++
        out[path] = [error: e.message.readLines().find { it.contains('@ line') } ?: e.message]
    }
}
println JsonOutput.toJson(out)
System.exit(failed == 0 ? 0 : 1)
