/**
 * Prints the Buffer-view floor of `npm run bench` as one JSON line, {"bufferView": ns,
 * "subarray": ns} (see bufferViewNs in machine.ts). engine.bench.ts runs it bundled (esbuild), as
 * the engine runs: under tsx's per-module loader a call of an imported function goes through an
 * export getter, which costs a view several times what the records reader pays.
 */
import { bufferViewNs } from './machine'

process.stdout.write(JSON.stringify({ bufferView: bufferViewNs(5), subarray: bufferViewNs(5, 'subarray') }) + '\n')
