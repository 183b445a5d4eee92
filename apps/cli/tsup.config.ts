import { packageConfig } from "../../tsup.config.base.ts";

// One chunk per command (splitting), so each loads only its own dependencies; bin/seedpress.js is the bin.
export default packageConfig({ dts: false });
