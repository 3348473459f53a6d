import path from "node:path";

/**
 * The repository root: every path fleet reads or writes is resolved from here, wherever the process runs
 * (Pulumi runs the program in stacks/, tests run the CLI from temporary copies of the repository).
 */
export const repoRoot = path.resolve(__dirname, "..");

/** `.fleet/`: fleet's own state in the repository (git-ignored). */
export const fleetDir = path.join(repoRoot, ".fleet");

/** The default release store: `.fleet/releases/`; stacks/ deploys `sha256:` releases from here. */
export const defaultStoreDir = path.join(fleetDir, "releases");
