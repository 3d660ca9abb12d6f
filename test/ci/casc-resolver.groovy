// JCasC's variable resolution, with the same commons-text StringSubstitutor settings as
// SecretSourceResolver (configuration-as-code 2082.vdb_db_4622e9fa_): a first pass resolving
// ${VAR} from the environment and keeping ^-escapes, a second one resolving the rest to "" and
// dropping the escape character. Input: a JSON file {"env": {...}, "values": [...]}; output: the
// resolved values as a JSON array on stdout.
import groovy.json.JsonOutput
import groovy.json.JsonSlurper
import org.apache.commons.text.StringSubstitutor
import org.apache.commons.text.lookup.StringLookup

def input = new JsonSlurper().parse(new File(args[0]))
Map env = input.env
def resolving = new StringSubstitutor({ String key -> env[key] } as StringLookup)
        .setEscapeChar('^' as char).setVariablePrefix('${').setVariableSuffix('}')
        .setEnableSubstitutionInVariables(true).setPreserveEscapes(true)
def unresolved = new StringSubstitutor({ String key -> '' } as StringLookup)
        .setEscapeChar('^' as char).setVariablePrefix('${').setVariableSuffix('}')
def resolve = { String text ->
    if (text == null || text.trim().isEmpty() || !text.contains('${')) return text
    unresolved.replace(resolving.replace(text))
}
println JsonOutput.toJson(input.values.collect(resolve))
