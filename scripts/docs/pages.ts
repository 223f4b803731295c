import * as fs from "node:fs";
import * as path from "node:path";
import { infraConfigSchema } from "../../infra/config";
import { platformConfigSchema } from "../../platform/config";
import { gitopsConfigSchema } from "../../gitops/config";
import { guardrailsConfigSchema } from "../../policy/config";
import { cliHelp } from "./cli-help";
import { configTable } from "./config-table";
import { blockNames, replaceBlock } from "./generated-blocks";
import { rulesTable } from "./rules-table";

/** Every generated block of the docs, by page and name: the data the docs show, from where it is defined. */
const GENERATORS: Readonly<Record<string, Readonly<Record<string, () => string>>>> = {
  "docs/cli.md": { "cli-help": cliHelp },
  "docs/guardrails.md": { rules: rulesTable },
  "docs/config.md": {
    "infra-keys": () => configTable(infraConfigSchema),
    "platform-keys": () => configTable(platformConfigSchema),
    "gitops-keys": () => configTable(gitopsConfigSchema),
    "guardrails-keys": () => configTable(guardrailsConfigSchema),
  },
};

export interface DocsPage {
  /** Relative to the project root. */
  readonly page: string;
  readonly current: string;
  /** The page with every generated block rendered afresh, formatted as `prettier --write` would. */
  readonly generated: string;
}

/** Renders every generated block of every page under `root`; writes nothing. */
export async function renderDocs(root: string): Promise<DocsPage[]> {
  const prettier = await import("prettier");
  return Promise.all(
    Object.entries(GENERATORS).map(async ([page, generators]) => {
      const file = path.join(root, page);
      const current = fs.readFileSync(file, "utf8");
      const unknown = blockNames(current).filter((name) => !(name in generators));
      if (unknown.length) throw new Error(`${page}: no generator for the block(s) ${unknown.join(", ")}`);
      let text = current;
      for (const [name, render] of Object.entries(generators)) text = replaceBlock(page, text, name, render());
      const options = await prettier.resolveConfig(file);
      return { page, current, generated: await prettier.format(text, { ...options, filepath: file }) };
    }),
  );
}
