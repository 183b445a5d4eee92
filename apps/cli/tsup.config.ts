import { packageConfig } from "../../tsup.config.base.ts";

export default packageConfig({ dts: false, splitting: false, banner: { js: "#!/usr/bin/env node" } });
