// Every sub-command, in the order `seedpress --help` lists them.
import type { Command } from "../command.js";
import { create } from "./create.js";
import { info } from "./info.js";
import { magnet } from "./magnet.js";
import { metalink } from "./metalink.js";
import { mirrors } from "./mirrors.js";
import { serve } from "./serve.js";
import { site } from "./site.js";
import { tracker } from "./tracker.js";
import { verify } from "./verify.js";

export const commands: Command[] = [create, info, verify, magnet, serve, tracker, site, mirrors, metalink];
