import type { SourcePos } from './diagnostics';
import type { UnresolvedInclude } from './includes';
import type { YNode } from './yaml-tree';

/** GitLab's `when:` values. */
export type JobWhen = 'on_success' | 'on_failure' | 'always' | 'manual' | 'delayed' | 'never';

/** A CI/CD variable; `expand: false` means `$X` inside the value stays literal. */
export interface Variable {
  readonly name: string;
  readonly value: string;
  readonly expand: boolean;
  readonly pos: SourcePos;
}

/** `image:` in string or mapping form. */
export interface Image {
  readonly name: string;
  readonly entrypoint?: readonly string[];
}

/** One `services:` entry; aliases follow GitLab's defaults when none is given. */
export interface Service {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly entrypoint?: readonly string[];
  readonly command?: readonly string[];
  readonly variables: readonly Variable[];
}

/** One `rules:` entry; conditions are ANDed, a missing condition matches. */
export interface Rule {
  readonly if?: string;
  readonly changes: readonly string[];
  readonly exists: readonly string[];
  readonly when: JobWhen;
  /** The rule's own `allow_failure`, overriding the job's when this rule matches. */
  readonly allowFailure?: boolean;
  /** The rule's `variables`, overriding the job's when this rule matches. */
  readonly variables: readonly Variable[];
  readonly pos: SourcePos;
}

/** `only:` / `except:` normalised to the mapping form; keys are ANDed, entries of one key ORed. */
export interface RefFilter {
  readonly refs: readonly string[];
  readonly variables: readonly string[];
  readonly changes: readonly string[];
  readonly pos: SourcePos;
}

/** The parts of `artifacts:` that have a Jenkins counterpart. */
export interface Artifacts {
  readonly paths: readonly string[];
  /** `artifacts:exclude` globs. */
  readonly exclude: readonly string[];
  readonly junit: readonly string[];
  /** `reports:dotenv` files, whose variables the following jobs see. */
  readonly dotenv: readonly string[];
  readonly when: 'on_success' | 'on_failure' | 'always';
}

/** A `needs:` entry; `artifacts: false` means order only, no download. */
export interface Need {
  readonly job: string;
  readonly artifacts: boolean;
  readonly pos: SourcePos;
}

/** One variable of a `parallel: matrix` entry with its values. */
export interface Axis {
  readonly name: string;
  readonly values: readonly string[];
}

/** `parallel: N` or `parallel: matrix` (a union of cartesian products, one per entry). */
export type Parallel =
  | { readonly kind: 'count'; readonly count: number }
  | { readonly kind: 'matrix'; readonly entries: readonly (readonly Axis[])[] };

/**
 * A `trigger:` job. `child`: `trigger:include` names files of this repository (a child pipeline,
 * run as a downstream Jenkins job); `other`: a multi-project pipeline or a child made only of
 * generated or remote files, which has no Jenkins translation.
 */
export type Trigger =
  | {
      readonly kind: 'child';
      /** The `trigger:include` value, read like `include:`. */
      readonly include: YNode;
      /** `strategy: depend` (or `mirror`): the job waits for the child and takes its result. */
      readonly depend: boolean;
      /** `forward:yaml_variables` (default true): the job's variables, globals included, go downstream. */
      readonly forwardYaml: boolean;
      /** `forward:pipeline_variables` (default false): this pipeline's own variables go downstream too. */
      readonly forwardPipeline: boolean;
      readonly pos: SourcePos;
    }
  | { readonly kind: 'other'; readonly target: string; readonly pos: SourcePos };

/** A visible job after include, extends, default and !reference resolution. */
export interface Job {
  readonly name: string;
  /** Where the job's key is written (in the file that finally defined it). */
  readonly pos: SourcePos;
  /** Where each key of the job is written, for warnings; inherited keys point at their source. */
  readonly keyPos: ReadonlyMap<string, SourcePos>;
  readonly stage: string;
  readonly image?: Image;
  readonly tags: readonly string[];
  readonly services: readonly Service[];
  readonly beforeScript: readonly string[];
  readonly script: readonly string[];
  readonly afterScript: readonly string[];
  readonly variables: readonly Variable[];
  readonly rules?: readonly Rule[];
  readonly only?: RefFilter;
  readonly except?: RefFilter;
  readonly when: JobWhen;
  /** `start_in` of a delayed job, in seconds. */
  readonly startInSeconds?: number;
  readonly allowFailure: boolean;
  /** GitLab's retry count (extra attempts, not total attempts). */
  readonly retry?: number;
  readonly timeoutSeconds?: number;
  readonly artifacts?: Artifacts;
  readonly needs?: readonly Need[];
  readonly dependencies?: readonly string[];
  readonly parallel?: Parallel;
  readonly environment?: { readonly name: string; readonly url?: string };
  readonly resourceGroup?: string;
  /** `manual_confirmation` text, used as the input prompt. */
  readonly confirmation?: string;
  /** A `trigger:` job (downstream pipeline). */
  readonly trigger?: Trigger;
  /** No script here, but an unresolved include may define it; emitted as a failing placeholder. */
  readonly incomplete: boolean;
}

/** The whole pipeline, ready for emission. */
export interface Pipeline {
  /** Entry file, as named in warnings and the generated header. */
  readonly file: string;
  /** Stage order including `.pre` first and `.post` last. */
  readonly stages: readonly string[];
  readonly variables: readonly Variable[];
  /** Visible jobs in source order. */
  readonly jobs: readonly Job[];
  readonly unresolvedIncludes: readonly UnresolvedInclude[];
}
