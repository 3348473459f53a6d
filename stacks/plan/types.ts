/** One resource the program would create, as `fleet plan --json` prints it. */
export interface PlannedResource {
  /** Pulumi type token, e.g. `aws:lambda/function:Function` or `pulumi:providers:aws`. */
  type: string;
  /** Logical name. */
  name: string;
  urn: string;
  /** The id the mocks gave it (what other resources receive as `.id`). */
  id: string;
  /** A custom resource (managed by a provider) rather than a component. */
  custom: boolean;
  /** URN of its explicit provider; `null` for components and providers. */
  provider: string | null;
  /** URN of the parent resource; `null` at the top. */
  parent: string | null;
  /** Account the resource lives in (from its provider, or its parent's), `null` when none applies. */
  account: string | null;
  region: string | null;
  /**
   * Inputs with every secret replaced by `"[secret]"` (key by key where the program made each value a secret) and
   * archives by `{ archive: <path> }`, the path relative to the repository when it is inside it.
   */
  inputs: Record<string, unknown>;
  /** Dotted paths of the inputs that are secret (masked in `inputs`). */
  secretInputs: string[];
  /** URNs it waits for: explicit `dependsOn` and the resources its inputs come from. */
  dependencies: string[];
  /** Left in the cloud when Pulumi deletes it (`retainOnDelete`). */
  retainOnDelete: boolean;
  /** Deleted before its replacement is created (`deleteBeforeReplace`), instead of after. */
  deleteBeforeReplace: boolean;
  /** Outputs Pulumi stores as secrets besides those from secret inputs (`additionalSecretOutputs`). */
  additionalSecretOutputs: string[];
}

/** What one mocked run of the program produced. */
export interface Plan {
  stack: string;
  /** Every registered resource, in registration order. */
  resources: PlannedResource[];
  /** Stack outputs with secrets masked. */
  outputs: Record<string, unknown>;
  /** Stack outputs that are secret. */
  secretOutputs: string[];
  /** Things a reviewer should know (e.g. a release not in the local store). */
  warnings: string[];
}

/** How the program's release source behaves in a plan. */
export type PlanReleaseMode =
  /** As `pulumi up`: build for real, stored releases must exist and verify. */
  | { kind: "strict" }
  /** `fleet plan`: build for real; a digest missing from the local store is a warning, not an error. */
  | { kind: "plan" }
  /** Tests: `release: build` packs this fixture zip instead of building the app; digests as in `plan`. */
  | { kind: "fixture"; zipPath: string };

/** Which Pulumi program a mocked run executes: fleet's (stacks/) or another of this repository (bootstrap/). */
export interface ProgramRef {
  /** The project name in its Pulumi.yaml: the namespace of its config keys and the project of its URNs. */
  project: string;
  /** The folder Pulumi runs (the project's `main`), required as the program's module. */
  dir: string;
}

/** Sent to the child process that runs the program. */
export interface PlanRequest {
  program: ProgramRef;
  stack: string;
  /** Folder holding `Pulumi.<stack>.yaml`. */
  root: string;
  /**
   * The program's config values, keys without the project namespace; secret keys in full (`fleet:secrets`).
   * Unset: fleet's own `Pulumi.<stack>.yaml` in `root`.
   */
  config?: { values: Record<string, unknown>; secretKeys: string[] };
  /** Override `fleet:release` (e.g. `fleet plan --release sha256:…`). */
  release?: string;
  /** How fleet's program gets its release; unset for a program that deploys none. */
  releaseMode?: PlanReleaseMode;
}

/** The child's answer: a plan, or the error that stopped the program and what it had registered by then. */
export type PlanResponse = { ok: true; plan: Plan } | { ok: false; error: string; resources: PlannedResource[] };
