// Runs generated declarative Jenkinsfiles the way Jenkins' Pipeline: Declarative interpreter does,
// for the subset the translator emits, and records what happens as JSON. Steps are stubs except
// `sh`, which runs the script for real with /bin/sh, as durable-task does.
//
// The semantics reproduced, with their upstream source:
// - pipeline-model-definition ModelInterpreter: a stage evaluates `when` before its options when
//   `beforeOptions`, before input when `beforeInput`, before its agent (and environment) when
//   `beforeAgent`, else inside its agent and environment; a failed stage skips every later stage
//   ("skipped due to earlier failure(s)"); parallel branches all run (failFast is off); stage
//   `post` conditions see the stage result; environment entries are evaluated in order.
// - pipeline-model-definition Utils.shouldRunBeAllowed: `triggeredBy X` matches a build cause
//   whose class simple name matches (?i).*X.*.
// - BranchConditional: `branch 'p'` is an Ant-style glob on BRANCH_NAME; comparator EQUALS / REGEXP.
// - workflow-basic-steps CatchErrorStep: a caught failure sets the build result (never better)
//   and the stage result; RetryStep: up to n attempts, the last failure propagates.
// - durable-task BourneShellScript: a script starting with #! is executed directly (chmod 755),
//   else run as `sh -xe script.sh`; a non-zero exit fails the step.
// - workflow-api StashManager: unstash of an unknown name fails ("No such saved stash").
// - Ant DirectoryScanner (archiveArtifacts, stash, junit, findFiles): comma-separated patterns,
//   `**` spans directories, a pattern ending in / means everything below.
// - pipeline-build-step BuildTriggerStep (`build job:`): the job is looked up by the name given
//   (scenario.jobs), an unknown one fails the step; the downstream build gets the parameters and an
//   UpstreamCause; with wait and propagate the step takes the downstream result (CHANGELOG 2.10,
//   JENKINS-49073): FAILURE/ABORTED fail it, UNSTABLE marks it unstable; without wait it returns
//   once scheduled (run here to its end right away, its result ignored). Parameters the job does
//   not declare (`parameters {}`) are dropped (SECURITY-170); declared ones are in params and env.
//
// Usage: groovy DeclarativeRunner.groovy runs.json [class cache]  (an array of {jenkinsfile,
// scenario}); prints one JSON array of {events, result, log}. With a class cache folder, each
// Jenkinsfile is compiled once per text and Groovy version (ScriptClasses).
import groovy.json.JsonOutput
import groovy.json.JsonSlurper
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths
import java.nio.file.StandardCopyOption
import java.security.MessageDigest
import org.codehaus.groovy.control.CompilationUnit
import org.codehaus.groovy.control.CompilerConfiguration
import org.codehaus.groovy.runtime.InvokerHelper

class StepFailure extends RuntimeException {
    StepFailure(String m) { super(m) }
}

class Aborted extends RuntimeException {
    Aborted(String m) { super(m) }
}

class Result {
    static final List ORDER = ['SUCCESS', 'UNSTABLE', 'FAILURE', 'NOT_BUILT', 'ABORTED']
    static String worse(String a, String b) { ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b }
}

/** Ant-style patterns, as DirectoryScanner reads them. */
class Ant {
    static java.util.regex.Pattern regex(String p) {
        String glob = p.trim().replace('\\', '/')
        if (glob.endsWith('/')) glob += '**'
        StringBuilder re = new StringBuilder()
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i)
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                if (i + 2 < glob.length() && glob.charAt(i + 2) == '/') { re.append('(?:.*/)?'); i += 2 } else { re.append('.*'); i++ }
            } else if (c == '*') re.append('[^/]*')
            else if (c == '?') re.append('[^/]')
            else re.append(java.util.regex.Pattern.quote(String.valueOf(c)))
        }
        java.util.regex.Pattern.compile(re.toString())
    }

    static List<String> files(File root) {
        List<String> out = []
        if (!root.exists()) return out
        root.eachFileRecurse(groovy.io.FileType.FILES) { f -> out << root.toPath().relativize(f.toPath()).toString().replace('\\', '/') }
        out.sort()
    }

    static List<String> match(File root, String includes, String excludes = null) {
        def inc = includes.split(',').findAll { it.trim() }.collect { regex(it) }
        def exc = (excludes ?: '').split(',').findAll { it.trim() }.collect { regex(it) }
        files(root).findAll { f -> inc.any { it.matcher(f).matches() } && !exc.any { it.matcher(f).matches() } }
    }
}

/** One run of one Jenkinsfile. */
class Run {
    final Map scenario
    final List events = []
    final StringBuilder log = new StringBuilder()
    final Map<String, String> env = new LinkedHashMap<>()
    final Map<String, Map<String, byte[]>> stashes = [:]
    final Map<String, String> params = new LinkedHashMap<>()
    String result = 'SUCCESS'
    String stageResult
    File workspace
    List<String> stagePath = []
    Script script

    Run(Map scenario) {
        this.scenario = scenario
        ['PATH', 'HOME'].each { if (System.getenv(it)) env[it] = System.getenv(it) }
        (scenario.env ?: [:]).each { k, v -> env[k] = String.valueOf(v) }
        (scenario.params ?: [:]).each { k, v -> params[k] = String.valueOf(v) }
    }

    String stageName() { stagePath ? stagePath.last() : '' }

    void event(Map e) { events << ([stage: stageName()] + e) }

    /** A fresh checkout for an agent, as each stage's agent starts from the repository. */
    File checkout() {
        File ws = Files.createTempDirectory('g2j-ws-').toFile()
        File repo = new File(scenario.repo as String)
        if (repo.exists()) {
            repo.eachFileRecurse(groovy.io.FileType.FILES) { f ->
                Path target = ws.toPath().resolve(repo.toPath().relativize(f.toPath()))
                Files.createDirectories(target.parent)
                Files.copy(f.toPath(), target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES)
            }
        }
        ws
    }

    Object withEnvEntries(Map<String, String> entries, Closure body) {
        Map saved = new LinkedHashMap(env)
        env.putAll(entries)
        try { return body() } finally { env.clear(); env.putAll(saved) }
    }

    int sh(String text, boolean returnStatus) {
        if (scenario.dryRun) {
            event(type: 'sh', exit: 0, output: '', dryRun: true)
            return 0
        }
        File dir = new File(workspace.path + '@tmp', 'durable-' + events.size())
        dir.mkdirs()
        File file = new File(dir, 'script.sh')
        file.text = text
        List<String> cmd
        if (text.startsWith('#!')) { file.setExecutable(true); cmd = [file.path] } else cmd = ['/bin/sh', '-xe', file.path]
        def pb = new ProcessBuilder(cmd).directory(workspace).redirectErrorStream(true)
        pb.environment().clear()
        pb.environment().putAll(env.findAll { k, v -> v != null })
        def p = pb.start()
        String out = p.inputStream.text
        int status = p.waitFor()
        log.append(out)
        event(type: 'sh', exit: status, output: out)
        if (status != 0 && !returnStatus) throw new StepFailure("script returned exit code ${status}")
        status
    }

    void caught(Map args, Throwable e) {
        String build = args.buildResult == null ? 'SUCCESS' : args.buildResult as String
        result = Result.worse(result, build)
        stageResult = Result.worse(stageResult ?: 'SUCCESS', (args.stageResult ?: 'SUCCESS') as String)
        event(type: 'caught', message: e.message, buildResult: build, stageResult: args.stageResult)
    }

    boolean causedBy(String cause) {
        (scenario.causes ?: ['BranchEventCause']).any { String c -> c.matches("(?i).*" + cause + ".*") }
    }

    boolean branchMatches(String pattern, String comparator) {
        String b = env.BRANCH_NAME
        if (b == null) return false
        if (comparator == 'REGEXP') return b.matches(pattern)
        if (comparator == 'EQUALS') return b == pattern
        Ant.regex(pattern).matcher(b).matches()
    }
}

/** The declarative sections as written, run later by the interpreter below. */
class StageSpec {
    String name
    def agent
    Closure environment, when, steps, post, input, parameters
    List<Closure> options = []
    List<StageSpec> parallel, stages
    Map matrix

    def propertyMissing(String n) { Specs.keyword(n) }
    void agent(Object a) { agent = a }
    void environment(Closure c) { environment = c }
    void parameters(Closure c) { parameters = c }
    void when(Closure c) { when = c }
    void options(Closure c) { options << c }
    void input(Closure c) { input = c }
    void steps(Closure c) { steps = c }
    void post(Closure c) { post = c }
    void parallel(Closure c) { parallel = Specs.stages(c) }
    void stages(Closure c) { stages = Specs.stages(c) }
    void matrix(Closure c) { matrix = Specs.matrix(c) }
}

class Specs {
    /** `agent any` / `agent none`; anything else is looked up further out (env, ...). */
    static String keyword(String n) {
        if (n in ['any', 'none']) return n
        throw new MissingPropertyException(n, StageSpec)
    }

    static List<StageSpec> stages(Closure c) {
        List<StageSpec> list = []
        def collector = new Object() {
            void stage(String name, Closure body) {
                def s = new StageSpec(name: name)
                body.delegate = s
                body.resolveStrategy = Closure.DELEGATE_FIRST
                body()
                list << s
            }
        }
        c.delegate = collector
        c.resolveStrategy = Closure.DELEGATE_FIRST
        c()
        list
    }

    static Map matrix(Closure c) {
        Map m = [axes: [], excludes: []]
        def axisOf = { Closure a ->
            Map axis = [:]
            a.delegate = new Object() {
                void name(String n) { axis.name = n }
                void values(String... v) { axis.values = v as List }
            }
            a.resolveStrategy = Closure.DELEGATE_FIRST
            a()
            axis
        }
        c.delegate = new MatrixSpec(m: m, axisOf: axisOf)
        c.resolveStrategy = Closure.DELEGATE_FIRST
        c()
        m
    }

    /** `agent` as data: 'any' / 'none' / [label:, image:, args:]. */
    static Map agent(Object a) {
        if (!(a instanceof Closure)) return [kind: String.valueOf(a)]
        Map spec = [kind: 'label']
        Closure c = (Closure) a
        c.delegate = new Object() {
            void label(String l) { spec.label = l }
            void docker(Closure d) {
                spec.kind = 'docker'
                d.delegate = new Object() {
                    void image(String i) { spec.image = i }
                    void label(String l) { spec.label = l }
                    void args(String x) { spec.args = x }
                }
                d.resolveStrategy = Closure.DELEGATE_FIRST
                d()
            }
        }
        c.resolveStrategy = Closure.DELEGATE_FIRST
        c()
        spec
    }
}

/** The inside of `matrix {}`. */
class MatrixSpec {
    Map m
    Closure axisOf

    def propertyMissing(String n) { Specs.keyword(n) }
    void agent(Object a) { m.agent = a }
    void axes(Closure a) {
        a.delegate = new Object() { void axis(Closure x) { m.axes << axisOf(x) } }
        a.resolveStrategy = Closure.DELEGATE_FIRST
        a()
    }
    void excludes(Closure e) {
        e.delegate = new Object() {
            void exclude(Closure x) {
                List ex = []
                x.delegate = new Object() { void axis(Closure y) { ex << axisOf(y) } }
                x.resolveStrategy = Closure.DELEGATE_FIRST
                x()
                m.excludes << ex
            }
        }
        e.resolveStrategy = Closure.DELEGATE_FIRST
        e()
    }
    void stages(Closure s) { m.stages = Specs.stages(s) }
}

/** Reads only the `before*` flags of a `when {}`. */
class WhenFlags {
    Map f = [:]
    void beforeAgent(boolean b) { f.beforeAgent = b }
    void beforeOptions(boolean b) { f.beforeOptions = b }
    void beforeInput(boolean b) { f.beforeInput = b }
    def methodMissing(String n, args) { null }
}

/** `when {}`: the flags first, then the conditions, ANDed at the top level. */
class When {
    static Map flags(Closure c) {
        def sniffer = new WhenFlags()
        Closure copy = (Closure) c.clone()
        copy.delegate = sniffer
        copy.resolveStrategy = Closure.DELEGATE_ONLY
        copy()
        sniffer.f
    }

    /** The conditions written in `c`, combined as `all` (the top level, allOf, not) or `any` (anyOf). */
    static boolean eval(Closure c, Run run, String mode = 'all') {
        List<Boolean> results = []
        Closure copy = (Closure) c.clone()
        copy.delegate = new Object() {
            void beforeAgent(boolean b) {}
            void beforeOptions(boolean b) {}
            void beforeInput(boolean b) {}
            void branch(String p) { results << run.branchMatches(p, 'GLOB') }
            void branch(Map m) { results << run.branchMatches(m.pattern as String, m.comparator as String) }
            void buildingTag() { results << (run.env.TAG_NAME != null) }
            void changeRequest() { results << (run.env.CHANGE_ID != null) }
            void triggeredBy(String cause) { results << run.causedBy(cause) }
            void changeset(String glob) { results << (run.scenario.changes ?: []).any { Ant.regex(glob).matcher(it as String).matches() } }
            void expression(Closure e) { e.resolveStrategy = Closure.OWNER_FIRST; results << (e() as boolean) }
            void not(Closure n) { results << !eval(n, run, 'all') }
            void allOf(Closure n) { results << eval(n, run, 'all') }
            void anyOf(Closure n) { results << eval(n, run, 'any') }
        }
        copy.resolveStrategy = Closure.DELEGATE_FIRST
        copy()
        mode == 'any' ? results.any { it } : results.every { it }
    }
}

/** The interpreter: runs the captured sections in Jenkins' order. */
class Interpreter {
    final Run run
    boolean failedEarlier = false

    Interpreter(Run run) { this.run = run }

    /** Runs the stages in order; after a failure the rest are skipped, then the failure propagates. */
    void stages(List<StageSpec> list) {
        Throwable first = null
        for (StageSpec s : list) {
            try { stage(s) } catch (StepFailure | Aborted e) { first = first ?: e; failedEarlier = true }
        }
        if (first) throw first
    }

    void stage(StageSpec s) {
        run.stagePath << s.name
        try {
            if (failedEarlier) { run.event(type: 'stage', status: 'SKIPPED_FOR_FAILURE'); return }
            Map flags = s.when ? When.flags(s.when) : [:]
            boolean early = flags.beforeOptions || flags.beforeInput || flags.beforeAgent
            if (s.when && flags.beforeOptions && !When.eval(s.when, run)) { skipped(); return }
            withOptions(s.options) {
                if (s.when && flags.beforeInput && !flags.beforeOptions && !When.eval(s.when, run)) { skipped(); return }
                if (s.input) input(s)
                if (s.when && flags.beforeAgent && !flags.beforeOptions && !flags.beforeInput && !When.eval(s.when, run)) { skipped(); return }
                inAgent(s.agent) {
                    withEnvironment(s.environment) {
                        if (s.when && !early && !When.eval(s.when, run)) { skipped(); return }
                        body(s)
                    }
                }
            }
        } finally {
            run.stagePath.remove(run.stagePath.size() - 1)
        }
    }

    void skipped() { run.event(type: 'stage', status: 'SKIPPED_FOR_CONDITIONAL') }

    void body(StageSpec s) {
        if (s.parallel != null) {
            Throwable first = null
            for (StageSpec b : s.parallel) {
                try { new Interpreter(run).stage(b) } catch (StepFailure | Aborted t) { first = first ?: t }
            }
            run.event(type: 'stage', status: first ? 'FAILURE' : 'SUCCESS')
            if (first) { failedEarlier = true; throw first }
            return
        }
        if (s.matrix != null) { matrix(s.matrix); return }
        if (s.stages != null) {
            new Interpreter(run).stages(s.stages)
            return
        }
        String saved = run.stageResult
        run.stageResult = null
        Throwable error = null
        try {
            steps(s.steps)
        } catch (Aborted a) {
            error = a
            run.result = Result.worse(run.result, 'ABORTED')
        } catch (StepFailure e) {
            error = e
            run.log.append("ERROR: ${e.message}\n")
        }
        String status = error instanceof Aborted ? 'ABORTED' : error ? 'FAILURE' : (run.stageResult ?: 'SUCCESS')
        post(s.post, status)
        run.event(type: 'stage', status: status)
        run.stageResult = saved
        if (error) {
            if (!(error instanceof Aborted)) run.result = Result.worse(run.result, 'FAILURE')
            failedEarlier = true
            throw error
        }
    }

    void matrix(Map m) {
        List<List> cells = [[]]
        for (Map axis : m.axes) cells = cells.collectMany { List c -> axis.values.collect { v -> c + [[axis.name, v]] } }
        Throwable first = null
        for (List cell : cells) {
            boolean excluded = m.excludes.any { List ex -> ex.every { Map a -> cell.any { it[0] == a.name && a.values.contains(it[1]) } } }
            if (excluded) continue
            Map values = cell.collectEntries { [(it[0]): it[1]] }
            run.stagePath << values.toString()
            try {
                run.withEnvEntries(values) {
                    inAgent(m.agent) {
                        try { new Interpreter(run).stages(m.stages) } catch (StepFailure | Aborted t) { first = first ?: t }
                    }
                }
            } finally { run.stagePath.remove(run.stagePath.size() - 1) }
        }
        if (first) { failedEarlier = true; throw first }
    }

    void input(StageSpec s) {
        Map spec = [:]
        s.input.delegate = new Object() {
            void message(String m) { spec.message = m }
            void ok(String o) { spec.ok = o }
        }
        s.input.resolveStrategy = Closure.DELEGATE_FIRST
        s.input()
        String answer = (run.scenario.inputs ?: [:])[s.name] ?: 'proceed'
        run.event(type: 'input', message: spec.message, answer: answer)
        if (answer == 'abort') {
            run.result = Result.worse(run.result, 'ABORTED')
            run.event(type: 'stage', status: 'ABORTED')
            failedEarlier = true
            throw new Aborted("input ${spec.message} aborted")
        }
    }

    void withOptions(List<Closure> options, Closure body) {
        List wrappers = []
        for (Closure o : options) {
            o.delegate = new Object() {
                void retry(int n) { wrappers << [retry: n] }
                void timeout(Map m) { wrappers << [timeout: m] }
                void lock(String r) { wrappers << [lock: r] }
            }
            o.resolveStrategy = Closure.DELEGATE_FIRST
            o()
        }
        Closure wrapped = body
        for (Map w : wrappers.reverse()) {
            Closure inner = wrapped
            if (w.retry) wrapped = { -> Steps.retry(run, w.retry as int, inner) }
            else if (w.lock) wrapped = { -> run.event(type: 'lock', resource: w.lock); inner() }
            else wrapped = inner
        }
        wrapped()
    }

    void inAgent(Object agent, Closure body) {
        if (agent == null || agent == 'none') { body(); return }
        Map spec = Specs.agent(agent)
        File saved = run.workspace
        run.workspace = run.checkout()
        run.event(type: 'agent', agent: spec)
        try {
            run.withEnvEntries([WORKSPACE: run.workspace.path]) { body() }
        } finally { run.workspace = saved }
    }

    void withEnvironment(Closure environment, Closure body) {
        if (environment == null) { body(); return }
        Map<String, String> saved = new LinkedHashMap(run.env)
        Closure c = (Closure) environment.clone()
        c.delegate = new Object() {
            def getEnv() { run.env }
            void setProperty(String n, Object v) { run.env[n] = v == null ? null : v.toString() }
        }
        c.resolveStrategy = Closure.DELEGATE_FIRST
        try {
            c()
            body()
        } finally { run.env.clear(); run.env.putAll(saved) }
    }

    void steps(Closure c) {
        Closure copy = (Closure) c.clone()
        copy.resolveStrategy = Closure.OWNER_FIRST
        copy()
    }

    void post(Closure post, String status) {
        if (post == null) return
        Map<String, Closure> conditions = [:]
        post.delegate = new Object() {
            void always(Closure c) { conditions.always = c }
            void success(Closure c) { conditions.success = c }
            void failure(Closure c) { conditions.failure = c }
            void unstable(Closure c) { conditions.unstable = c }
        }
        post.resolveStrategy = Closure.DELEGATE_FIRST
        post()
        Map<String, Boolean> applies = [always: true, success: status == 'SUCCESS', failure: status == 'FAILURE', unstable: status == 'UNSTABLE']
        for (String name : ['always', 'success', 'failure', 'unstable']) {
            if (conditions[name] && applies[name]) steps(conditions[name])
        }
    }
}

class Steps {
    static Object retry(Run run, int attempts, Closure body) {
        for (int i = 1; ; i++) {
            try { return body() } catch (StepFailure e) {
                run.event(type: 'retry', attempt: i, message: e.message)
                if (i >= attempts) throw e
            }
        }
    }
}

/** The steps and globals a Jenkinsfile calls, bound into its script. */
Binding bindingFor(Run run) {
    def b = new Binding()
    b.env = run.env
    b.currentBuild = new Object() {
        String getCurrentResult() { run.result }
        List getBuildCauses(String className) { run.causedBy(className.replaceFirst('^.*[.$]', '')) ? [[_class: className]] : [] }
    }
    b.sh = { arg ->
        if (arg instanceof Map) return run.sh(arg.script as String, arg.returnStatus as boolean)
        run.sh(arg as String, false)
    }
    b.echo = { String m -> run.log.append(m + '\n'); run.event(type: 'echo', message: m) }
    b.error = { String m -> run.event(type: 'error', message: m); throw new StepFailure(m) }
    b.script = { Closure c -> c() }
    b.sleep = { Map m -> run.event(type: 'sleep', time: m.time) }
    b.timeout = { Map m, Closure c -> c() }
    b.lock = { String r, Closure c -> run.event(type: 'lock', resource: r); c() }
    b.retry = { int n, Closure c -> Steps.retry(run, n, c) }
    b.catchError = { Map args, Closure c ->
        try { c() } catch (StepFailure e) { run.caught(args, e) } catch (Aborted e) { run.caught(args, e) }
    }
    b.withEnv = { List<String> entries, Closure c -> run.withEnvEntries(entries.collectEntries { String e -> int i = e.indexOf('='); [(e.substring(0, i)): e.substring(i + 1)] }, c) }
    b.fileExists = { String f -> new File(run.workspace, f).exists() }
    b.readFile = { String f -> new File(run.workspace, f).text }
    b.findFiles = { Map m -> Ant.match(run.workspace, m.glob as String).collect { [path: it] } as Object[] }
    b.archiveArtifacts = { Map m ->
        def files = Ant.match(run.workspace, m.artifacts as String, m.excludes as String)
        run.event(type: 'archive', files: files)
        if (files.isEmpty() && !m.allowEmptyArchive) throw new StepFailure('No artifacts found that match the file pattern')
    }
    b.junit = { Map m -> run.event(type: 'junit', files: Ant.match(run.workspace, m.testResults as String)) }
    b.stash = { Map m ->
        def files = Ant.match(run.workspace, m.includes as String, m.excludes as String)
        if (files.isEmpty() && !m.allowEmpty) throw new StepFailure("No files included in stash ‘${m.name}’")
        run.stashes[m.name as String] = files.collectEntries { [(it): new File(run.workspace, it).bytes] }
        run.event(type: 'stash', name: m.name, files: files)
    }
    b.unstash = { String name ->
        def files = run.stashes[name]
        if (files == null) throw new StepFailure("No such saved stash ‘${name}’")
        files.each { String path, byte[] bytes ->
            File f = new File(run.workspace, path)
            f.parentFile.mkdirs()
            f.bytes = bytes
        }
        run.event(type: 'unstash', name: name, files: files.keySet() as List)
    }
    b.docker = new Object() {
        def image(String name) {
            new Object() {
                Object inside(String args, Closure c) { run.event(type: 'inside', image: name, args: args); c() }
                Object inside(Closure c) { inside('', c) }
                Object withRun(String args, Closure c) { withRun(args, null, c) }
                Object withRun(Closure c) { withRun('', null, c) }
                Object withRun(String args, String command, Closure c) {
                    run.event(type: 'service', image: name, args: args, command: command)
                    c([id: 'container-' + name.replaceAll('[^a-z0-9]', '-')])
                }
            }
        }
    }
    b.params = run.params
    b.string = { Map m -> [name: m.name, value: m.value] }
    b.build = { Map m -> Downstream.build(run, m) }
    b.pipeline = { Closure c ->
        def spec = new StageSpec(name: '')
        c.delegate = spec
        c.resolveStrategy = Closure.DELEGATE_FIRST
        c()
        Downstream.declare(run, spec.parameters)
        def interpreter = new Interpreter(run)
        try {
            interpreter.withEnvironment(spec.environment) { interpreter.stages(spec.stages) }
        } catch (StepFailure | Aborted e) {
            run.log.append("pipeline: ${e.message}\n")
        }
    }
    b
}

/**
 * Jenkinsfiles as script objects, as `new GroovyShell(binding).parse(text)` makes them (the same
 * default compiler configuration), but compiled once per text and Groovy version into a class folder
 * that later runs load: compiling is nearly all of a run's time, and the committed Jenkinsfiles
 * rarely change. Without a cache folder each text is compiled in memory.
 */
class ScriptClasses {
    static File cache

    static Script load(String text, Binding binding) {
        if (cache == null) return new GroovyShell(binding).parse(text)
        String hash = MessageDigest.getInstance('SHA-256').digest("${GroovySystem.version}\n${text}".getBytes('UTF-8')).encodeHex().toString()
        String name = "Jenkinsfile_${hash.take(24)}"
        File classes = new File(cache, hash.take(24))
        if (!classes.isDirectory()) {
            File staging = new File("${classes}.${UUID.randomUUID()}")
            staging.mkdirs()
            def unit = new CompilationUnit(new CompilerConfiguration(targetDirectory: staging), null, new GroovyClassLoader(ScriptClasses.classLoader))
            unit.addSource("${name}.groovy", text)
            unit.compile()
            try {
                Files.move(staging.toPath(), classes.toPath(), StandardCopyOption.ATOMIC_MOVE)
            } catch (IOException ignored) {
                staging.deleteDir() // another run compiled the same text first
            }
        }
        classes.setLastModified(System.currentTimeMillis()) // in use: declarative-run.ts prunes the unused
        def loader = new GroovyClassLoader(ScriptClasses.classLoader)
        loader.addURL(classes.toURI().toURL())
        InvokerHelper.createScript(loader.loadClass(name), binding)
    }
}

/** `build job:` and the downstream build it starts. */
class Downstream {
    static Closure bindings

    static Map build(Run run, Map m) {
        String name = m.job as String
        String text = (run.scenario.jobs ?: [:])[name]
        run.event(type: 'build', job: name, parameters: (m.parameters ?: []).collectEntries { [(it.name): it.value] }, wait: m.wait, propagate: m.propagate)
        if (text == null) throw new StepFailure("No item named ${name} found")
        Map scenario = run.scenario + [causes: ['UpstreamCause'], params: (m.parameters ?: []).collectEntries { [(it.name): it.value] }]
        Run child = new Run(scenario)
        child.script = ScriptClasses.load(text, bindings(child))
        child.script.run()
        run.event(type: 'downstream', job: name, result: child.result, events: child.events)
        boolean wait = m.wait == null ? true : m.wait
        boolean propagate = m.propagate == null ? true : m.propagate
        if (wait && propagate && child.result == 'UNSTABLE') { run.result = Result.worse(run.result, 'UNSTABLE'); run.stageResult = Result.worse(run.stageResult ?: 'SUCCESS', 'UNSTABLE') }
        else if (wait && propagate && child.result != 'SUCCESS') throw new StepFailure("${name} completed with status ${child.result} (propagate: false to ignore)")
        [result: wait ? child.result : null]
    }

    /** `parameters {}`: declared parameters take the value passed, else their default; the rest is dropped. */
    static void declare(Run run, Closure parameters) {
        Map passed = new LinkedHashMap(run.params)
        run.params.clear()
        if (parameters == null) return
        parameters.delegate = new Object() {
            void string(Map p) { run.params[p.name] = passed.containsKey(p.name) ? passed[p.name] : p.defaultValue }
        }
        parameters.resolveStrategy = Closure.DELEGATE_FIRST
        parameters()
        run.params.each { k, v -> run.env[k as String] = v as String }
    }
}
Downstream.bindings = { Run r -> bindingFor(r) }

def runs = new JsonSlurper().parse(new File(args[0]))
if (args.length > 1) ScriptClasses.cache = new File(args[1])
def results = runs.collect { Map r ->
    def run = new Run(r.scenario as Map)
    run.script = ScriptClasses.load(new File(r.jenkinsfile as String).getText('UTF-8'), bindingFor(run))
    run.script.run()
    [events: run.events, result: run.result, log: run.log.toString()]
}
println JsonOutput.toJson(results)
