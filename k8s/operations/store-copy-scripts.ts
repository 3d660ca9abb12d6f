/**
 * The shell the store copy jobs run (POSIX sh, in the images named in IMAGES). Their inputs come from
 * the environment the CronJobs set (names below), so one script text serves every platform and a
 * test can run it against stub commands.
 */

/** Environment every copy script reads. */
export const COPY_ENV = {
  bucket: 'COPY_BUCKET',
  prefix: 'COPY_PREFIX',
  dir: 'COPY_DIR',
  mongoUri: 'MONGO_URI',
  crateUrl: 'CRATE_URL',
  crateUser: 'CRATE_USER',
  cratePassword: 'CRATE_PASSWORD',
  repository: 'CRATE_REPOSITORY',
  snapshotPath: 'SNAPSHOT_PATH',
  retentionDays: 'RETENTION_DAYS',
  dumpKey: 'MONGO_DUMP_KEY',
  snapshot: 'CRATE_SNAPSHOT',
} as const;

/**
 * One statement to CrateDB's HTTP endpoint; CrateDB answers an SQL error with a 4xx/5xx status, on
 * which curl -f fails. The login goes to curl as a config on stdin, so it is not on its command line.
 */
const SQL_FUNCTION = `sql() {
  printf 'user = "%s:%s"\\n' "$${COPY_ENV.crateUser}" "$${COPY_ENV.cratePassword}" |
    curl -K - -fsS -X POST -H 'Content-Type: application/json' --data "{\\"stmt\\": \\"$1\\"}" "$${COPY_ENV.crateUrl}/_sql"
}`;

/** The MongoDB archive the dump step writes and the upload step sends. */
const ARCHIVE = 'mongo.archive.gz';

/** Step 1 of the MongoDB copy (mongo image): one gzipped archive of every database, in the pod's scratch volume. */
export const MONGO_DUMP_SCRIPT = `set -eu
mongodump --uri="$${COPY_ENV.mongoUri}" --archive="$${COPY_ENV.dir}/${ARCHIVE}" --gzip
`;

/** Step 2 (aws-cli image, after step 1 succeeded): the archive to S3 under a key that carries its UTC time. */
export const MONGO_UPLOAD_SCRIPT = `set -eu
key="$${COPY_ENV.prefix}$(date -u +%Y-%m-%dT%H-%M-%SZ).archive.gz"
aws s3 cp "$${COPY_ENV.dir}/${ARCHIVE}" "s3://$${COPY_ENV.bucket}/$key" --only-show-errors
echo "MongoDB copied to s3://$${COPY_ENV.bucket}/$key"
`;

/**
 * The CrateDB copy (aws-cli image, which has curl): CREATE SNAPSHOT into CrateDB's \`fs\` repository
 * on the snapshot volume (CrateDB 4.6's s3 repository takes only static keys or EC2/ECS container
 * credentials, not EKS Pod Identity), check it succeeded, drop snapshots past the retention, then
 * sync the repository to S3 with this job's Pod Identity role: data blobs first, the root index
 * blobs that reference them last, so an interrupted sync never leaves an index pointing at nothing.
 */
export const CRATE_SNAPSHOT_SCRIPT = `set -eu
${SQL_FUNCTION}
repo="$${COPY_ENV.repository}"
if ! sql "SELECT name FROM sys.repositories WHERE name = '$repo'" | grep -q "\\"$repo\\""; then
  sql "CREATE REPOSITORY $repo TYPE fs WITH (location = '$${COPY_ENV.snapshotPath}', compress = true)"
fi
snapshot="copy_$(date -u +%Y%m%d%H%M%S)"
sql "CREATE SNAPSHOT $repo.$snapshot ALL WITH (wait_for_completion = true)"
if ! sql "SELECT state FROM sys.snapshots WHERE repository = '$repo' AND name = '$snapshot'" | grep -q '"SUCCESS"'; then
  echo "snapshot $snapshot did not succeed" >&2
  exit 1
fi
cutoff=$(( ($(date -u +%s) - $${COPY_ENV.retentionDays} * 86400) * 1000 ))
for old in $(sql "SELECT name FROM sys.snapshots WHERE repository = '$repo' AND started < $cutoff" | grep -o 'copy_[0-9]\\{14\\}'); do
  sql "DROP SNAPSHOT $repo.$old"
done
target="s3://$${COPY_ENV.bucket}/$${COPY_ENV.prefix}"
aws s3 sync "$${COPY_ENV.snapshotPath}" "$target" --exclude 'index-*' --exclude 'index.latest' --only-show-errors
aws s3 sync "$${COPY_ENV.snapshotPath}" "$target" --delete --only-show-errors
echo "CrateDB snapshot $snapshot copied to $target"
`;

/** Restore step 1 (aws-cli image): the chosen MongoDB dump and the whole CrateDB repository from S3, with the restore's read-only role. */
export const RESTORE_FETCH_SCRIPT = `set -eu
aws s3 cp "s3://$${COPY_ENV.bucket}/$${COPY_ENV.dumpKey}" "$${COPY_ENV.dir}/${ARCHIVE}" --only-show-errors
aws s3 sync "s3://$${COPY_ENV.bucket}/$${COPY_ENV.prefix}" "$${COPY_ENV.snapshotPath}" --only-show-errors
`;

/** Restore step 2a (mongo image): once the fresh MongoDB answers, the dump into it (collections replaced). */
export const MONGO_RESTORE_SCRIPT = `set -eu
until mongosh "$${COPY_ENV.mongoUri}" --norc --quiet --eval 'db.adminCommand("ping").ok' >/dev/null 2>&1; do sleep 5; done
mongorestore --uri="$${COPY_ENV.mongoUri}" --archive="$${COPY_ENV.dir}/${ARCHIVE}" --gzip --drop
`;

/** Restore step 2b (aws-cli image): once the fresh CrateDB answers, the chosen snapshot (or the latest) from the fetched repository, read-only. */
export const CRATE_RESTORE_SCRIPT = `set -eu
${SQL_FUNCTION}
until sql "SELECT 1" >/dev/null 2>&1; do sleep 5; done
repo="$${COPY_ENV.repository}"
sql "CREATE REPOSITORY $repo TYPE fs WITH (location = '$${COPY_ENV.snapshotPath}', readonly = true)"
snapshot="$${'{'}${COPY_ENV.snapshot}:-}"
if [ -z "$snapshot" ]; then
  snapshot=$(sql "SELECT name FROM sys.snapshots WHERE repository = '$repo' ORDER BY started DESC LIMIT 1" | grep -o 'copy_[0-9]\\{14\\}' || true)
fi
[ -n "$snapshot" ] || { echo "no snapshot in the repository" >&2; exit 1; }
sql "RESTORE SNAPSHOT $repo.$snapshot ALL WITH (wait_for_completion = true)"
echo "CrateDB restored from $snapshot"
`;
