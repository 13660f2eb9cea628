// Preloaded with `node --import` by run_peers.sh: makes `import "oracledb"`
// in the conformance scripts resolve from the npm prefix in
// ORADB_PEER_PREFIX (one node-oracledb version each), not from the repo's
// node_modules. ES modules ignore NODE_PATH, so a resolve hook is the way to
// run the unchanged scripts against another installed version.
import { register } from "node:module";
import { pathToFileURL } from "node:url";

const prefix = process.env.ORADB_PEER_PREFIX;
if (!prefix) throw new Error("ORADB_PEER_PREFIX is not set");
const parent = pathToFileURL(`${prefix}/package.json`).href;
const hooks = `
export async function resolve(spec, context, next) {
  const ours = spec === "oracledb" || spec.startsWith("oracledb/");
  return next(spec, ours ? { ...context, parentURL: ${JSON.stringify(parent)} } : context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
