import type { Digest } from "../core/digest";
import type { ReleaseStore } from "../artifacts/store/store";
import type { Probes } from "../core/fleet-config";

/** The probes to smoke a region with, given the release it should serve. */
export type ProbesOf = (digest: Digest) => Promise<Probes>;

/**
 * Each release's own probes, from its manifest in the store: a region is always checked with the calls of the
 * release it runs (a rollback smokes the old release with the old calls).
 * @throws ArtifactError when the release is not in the store
 */
export function storedProbes(store: ReleaseStore): ProbesOf {
  const cache = new Map<Digest, Promise<Probes>>();
  return (digest) => {
    let probes = cache.get(digest);
    if (!probes) {
      probes = store.get(digest).then(({ manifest }) => ({ health: manifest.probes.health, smoke: manifest.probes.smoke, openapi: manifest.probes.openapi ?? undefined }));
      cache.set(digest, probes);
    }
    return probes;
  };
}
