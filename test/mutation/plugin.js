// Stryker loads plugins with import(), which knows no TypeScript: this CommonJS door registers
// ts-node (the same `ts-node/register` the .mocharc.yml requires, so it registers once) and hands on
// the runner's plugin list.
require("ts-node/register");
const runner = require("./mocha-runner.ts");
exports.strykerPlugins = runner.strykerPlugins;
exports.strykerValidationSchema = runner.strykerValidationSchema;
