#!/usr/bin/env node
// The `seedpress` command. A committed file, so npm can link the bin on a fresh clone before
// `prepare` has built dist/; the work is all in dist/index.js.
import "../dist/index.js";
