#!/usr/bin/env node
// The `fleet` command. The CLI is TypeScript run through tsx, so a clone needs no compile step.
require("tsx/cjs");
require("./main.ts");
