// Stryker loads plugins with import(), which knows no TypeScript: this CommonJS door registers the
// project's TypeScript loader and hands on the runner's plugin list. Stryker loads plugins before it
// moves a test-runner process into its sandbox, so this is the project's copy of the loader; the
// sandbox's copy, which .mocharc.yml names, then finds a loader registered and adds none.
require(require("node:path").resolve("scripts/register.js"));
const runner = require("./mocha-runner.ts");
exports.strykerPlugins = runner.strykerPlugins;
exports.strykerValidationSchema = runner.strykerValidationSchema;
