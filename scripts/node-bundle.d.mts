/** Types of node-bundle.mjs. */

/** Bundles the TypeScript `entry` into the CommonJS `outfile` for plain Node (see node-bundle.mjs). @throws Error with esbuild's message. */
export function buildNodeBundle(entry: string, outfile: string, tmpSuffix?: string): void
