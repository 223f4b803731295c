// Stryker loads plugins with import(), which knows no TypeScript: this CommonJS door registers the
// project's TypeScript loader, the one .mocharc.yml requires (from the working directory: Stryker's
// sandbox in its test-runner processes, so that the runner finds it loaded and registers it once),
// and hands on the runner's plugin list.
require(require("node:path").resolve("scripts/register.js"));
const runner = require("./mocha-runner.ts");
exports.strykerPlugins = runner.strykerPlugins;
exports.strykerValidationSchema = runner.strykerValidationSchema;
