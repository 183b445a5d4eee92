import { packageConfig } from "../../tsup.config.base.ts";

// better-sqlite3 is an optional dependency, loaded lazily: never bundled (tsup only leaves
// `dependencies` and `peerDependencies` external by itself).
export default packageConfig({ external: ["better-sqlite3"] });
