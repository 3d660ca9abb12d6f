/**
 * The component document format EC2 Image Builder (AWSTOE) accepts, kept as data. Sources:
 * - "Use the AWSTOE component document framework for custom components"
 *   (docs.aws.amazon.com/imagebuilder/latest/userguide/toe-use-documents.html): top-level keys
 *   name, description, schemaVersion (1.0), parameters, phases; phase names build, validate, test;
 *   step keys name, action, timeoutSeconds, onFailure (Abort | Continue | Ignore), maxAttempts, if, loop, inputs;
 *   phase and step names unique; at least one of build, validate, test.
 * - "Create a YAML component document" (docs.aws.amazon.com/imagebuilder/latest/userguide/create-component-yaml.html):
 *   a test component is a document with exactly one phase, named test; any other is a build component.
 * - "Action modules supported by AWSTOE component manager"
 *   (docs.aws.amazon.com/imagebuilder/latest/userguide/toe-action-modules.html): the action names
 *   the action names, and ExecuteBash's input.
 */
export const DOCUMENT_KEYS = ['name', 'description', 'schemaVersion', 'parameters', 'phases'];
export const SCHEMA_VERSIONS = ['1.0'];
/** `container-host-test` too (runs on the host of a container build), per the same page. */
export const PHASES = ['build', 'validate', 'test', 'container-host-test'];
export const STEP_KEYS = ['name', 'action', 'timeoutSeconds', 'onFailure', 'maxAttempts', 'if', 'loop', 'inputs'];
export const ON_FAILURE = ['Abort', 'Continue', 'Ignore'];
/** Step names as the page's examples write them (letters, digits, - and _). */
export const STEP_NAME = /^[A-Za-z0-9_-]{1,128}$/;

/** Action modules named on the action-modules page; the platform's documents use only ExecuteBash. */
export const ACTIONS = [
  'Assert', 'AppendFile', 'CopyFile', 'CopyFolder', 'CreateFile', 'CreateFolder', 'CreateSymlink', 'DeleteFile', 'DeleteFolder',
  'ExecuteBash', 'ExecuteBinary', 'ExecuteDocument', 'ExecutePowerShell', 'InstallMSI', 'ListFiles', 'MoveFile', 'MoveFolder',
  'ReadFile', 'Reboot', 'S3Download', 'S3Upload', 'SetFileEncoding', 'SetFileOwner', 'SetFilePermissions', 'SetFolderOwner',
  'SetFolderPermissions', 'SetRegistry', 'UninstallMSI', 'UpdateOS', 'WebDownload',
];
/** ExecuteBash's inputs (ExecuteBash section of the action-modules page): `commands`, a list of strings. */
export const EXECUTE_BASH_INPUTS = ['commands'];
