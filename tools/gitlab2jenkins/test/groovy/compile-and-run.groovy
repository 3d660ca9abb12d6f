// Compiles a test program into a class folder that later runs start directly (groovy-jvm.ts),
// then runs it in this JVM with the remaining arguments, as `groovy <script> <args>` would.
// Usage: compile-and-run.groovy <class folder> <script> <args...>
import java.nio.file.Files
import java.nio.file.StandardCopyOption
import org.codehaus.groovy.control.CompilationUnit
import org.codehaus.groovy.control.CompilerConfiguration

File target = new File(args[0])
File script = new File(args[1])
File staging = new File("${target}.${UUID.randomUUID()}")
staging.parentFile.mkdirs()
def unit = new CompilationUnit(new CompilerConfiguration(targetDirectory: staging))
unit.addSource(script)
unit.compile()
// A script's class is named after its file.
String main = script.name.replaceFirst(/\.groovy$/, '')
new File(staging, 'main-class').text = main
try {
    Files.move(staging.toPath(), target.toPath(), StandardCopyOption.ATOMIC_MOVE)
} catch (IOException ignored) {
    // Another run compiled the same source first; its classes are the same.
    staging.deleteDir()
}
def loader = new URLClassLoader([target.toURI().toURL()] as URL[], getClass().classLoader)
Thread.currentThread().contextClassLoader = loader
try {
    loader.loadClass(main).getMethod('main', String[]).invoke(null, [args.drop(2) as String[]] as Object[])
} catch (java.lang.reflect.InvocationTargetException e) {
    throw e.cause
}
