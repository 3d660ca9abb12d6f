/**
 * The per-commit status board of the CI dashboard (a CloudWatch custom widget): for every
 * component, its latest commits with the result of each architecture cell, as Magma's CI dashboard
 * shows them, and the newest commit of each release branch (vX.Y). Rendered from the stored build
 * records; every value from a record is HTML-escaped.
 */
import type { BuildRecord } from './build-stats';

export interface BoardComponent {
  /** `<pilot>/<component>`. */
  readonly key: string;
  readonly architectures: readonly string[];
}

/** A stored record as the board reads it. */
export type BoardRecord = Pick<BuildRecord, 'commit' | 'ref' | 'refType' | 'architecture' | 'result' | 'buildNumber' | 'durationSeconds' | 'finishedAt'>;

export const RELEASE_BRANCH = /^v\d+\.\d+$/;

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const COLOURS: Record<BoardRecord['result'], string> = { SUCCESS: '#1d8102', UNSTABLE: '#c77700', FAILURE: '#d13212', ABORTED: '#687078' };

interface CommitRow {
  readonly commit: string;
  readonly ref: string;
  readonly finishedAt: string;
  /** The newest record of each architecture. */
  readonly cells: Map<string, BoardRecord>;
}

/** Commits newest first (by their newest record), each with the newest record per architecture. */
export function commitRows(records: readonly BoardRecord[]): CommitRow[] {
  const rows = new Map<string, { commit: string; ref: string; finishedAt: string; cells: Map<string, BoardRecord> }>();
  for (const r of [...records].sort((a, b) => a.finishedAt.localeCompare(b.finishedAt) || a.buildNumber - b.buildNumber)) {
    const row = rows.get(r.commit) ?? { commit: r.commit, ref: r.ref, finishedAt: r.finishedAt, cells: new Map() };
    row.cells.set(r.architecture, r);
    row.finishedAt = r.finishedAt;
    row.ref = r.ref;
    rows.set(r.commit, row);
  }
  return [...rows.values()].sort((a, b) => b.finishedAt.localeCompare(a.finishedAt));
}

function cell(record: BoardRecord | undefined): string {
  if (!record) return '<td>-</td>';
  const minutes = Math.floor(record.durationSeconds / 60);
  const seconds = Math.round(record.durationSeconds % 60);
  return `<td style="color:${COLOURS[record.result]}">${escape(record.result)} <small>#${record.buildNumber}, ${minutes}m ${seconds}s</small></td>`;
}

function table(component: BoardComponent, first: string, rows: readonly CommitRow[]): string {
  const head = `<tr><th>${first}</th><th>commit</th>${component.architectures.map((a) => `<th>${escape(a)}</th>`).join('')}</tr>`;
  const body = rows.map(
    (row) => `<tr><td>${escape(row.ref)}</td><td><code>${escape(row.commit.slice(0, 12))}</code></td>${component.architectures.map((a) => cell(row.cells.get(a))).join('')}</tr>`,
  );
  return `<table class="cwdb-no-default-styles"><thead>${head}</thead><tbody>${body.join('')}</tbody></table>`;
}

/** The board's HTML: per component, the latest `commits` commits and the newest commit of each release branch. */
export function renderBoard(components: readonly BoardComponent[], recordsOf: ReadonlyMap<string, readonly BoardRecord[]>, commits = 10): string {
  const sections = components.map((component) => {
    const records = recordsOf.get(component.key) ?? [];
    const latest = commitRows(records).slice(0, commits);
    const releases = [...new Set(records.filter((r) => r.refType === 'branch' && RELEASE_BRANCH.test(r.ref)).map((r) => r.ref))]
      .sort((a, b) => b.localeCompare(a, 'en', { numeric: true }))
      .map((branch) => commitRows(records.filter((r) => r.ref === branch && r.refType === 'branch'))[0]);
    return [
      `<h3>${escape(component.key)}</h3>`,
      latest.length > 0 ? table(component, 'branch / tag', latest) : '<p>no builds recorded yet</p>',
      releases.length > 0 ? `<h4>release branches</h4>${table(component, 'release branch', releases)}` : '',
    ].join('');
  });
  return sections.join('');
}
