import { Paint } from "../output";
import { ResourceRecord } from "./mock-engine";
import { refOf } from "./normalize";
import { SynthResult, SynthStack } from "./synth";

/** The human view of a synth: each stack as a tree of resources, with its count in the heading. */
export function renderSynthTree(result: SynthResult, paint: Paint): string {
  return result.stacks.map((stack) => renderStack(stack, paint)).join("\n");
}

function renderStack(stack: SynthStack, paint: Paint): string {
  const children = new Map<string, ResourceRecord[]>();
  for (const r of stack.resources) children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
  const roots = stack.resources.filter((r) => !stack.resources.some((p) => refOf(p.type, p.name) === r.parent));

  const lines = [paint("bold", `${stack.stack}  (${plural(stack.resources.length, "resource")})`)];
  const walk = (records: readonly ResourceRecord[], indent: string): void => {
    records.forEach((r, i) => {
      const last = i === records.length - 1;
      lines.push(`${indent}${last ? "└─ " : "├─ "}${r.name}  ${paint("dim", r.type)}${flags(r, paint)}`);
      walk(children.get(refOf(r.type, r.name)) ?? [], `${indent}${last ? "   " : "│  "}`);
    });
  };
  walk(roots, "");
  lines.push("");
  return lines.join("\n");
}

function flags(r: ResourceRecord, paint: Paint): string {
  const set = [r.options.protect && "protect", r.options.retainOnDelete && "retainOnDelete"].filter(Boolean);
  return set.length ? `  ${paint("yellow", `[${set.join(", ")}]`)}` : "";
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
