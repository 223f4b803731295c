import { CONFIG_NAMESPACE } from "./config";
import type { EnvironmentDeclaration } from "./environments";
import { Environment } from "./stack";

/**
 * The promotion order: each environment names the ones it promotes from (`promotesFrom`), which
 * makes a directed graph that must be acyclic and name only existing environments. Its levels are
 * the deploy waves: an environment's wave comes after the waves of everything it promotes from.
 */

type Node = Pick<EnvironmentDeclaration, "name" | "file" | "promotesFrom">;

const KEY = `${CONFIG_NAMESPACE}:promotesFrom`;

/** One line per problem: an unknown name, or a cycle (each reported once, with its files). */
export function checkPromotionOrder(environments: readonly Node[]): string[] {
  const byName = new Map(environments.map((e) => [e.name, e]));
  const names = [...byName.keys()].sort().join(", ");
  const errors: string[] = [];
  for (const env of environments) {
    for (const from of env.promotesFrom) {
      if (!byName.has(from)) {
        errors.push(
          `${env.file}: ${KEY}: received "${from}", which has no Pulumi.${from}.yaml; expected one of the environments: ${names}`,
        );
      }
    }
  }
  if (errors.length > 0) return errors;
  for (const cycle of findCycles(environments, byName)) {
    const files = [...new Set(cycle.map((name) => byName.get(name)?.file))].join(", ");
    errors.push(
      `${files}: ${KEY}: the promotion order has a cycle ${[...cycle, cycle[0]].join(" -> ")} (each promotes from the next); ` +
        "expected an order without cycles, where a change reaches every environment after the ones it promotes from",
    );
  }
  return errors;
}

/** Each cycle once, starting at its smallest name, found by depth-first search. */
function findCycles(environments: readonly Node[], byName: ReadonlyMap<string, Node>): Environment[][] {
  const state = new Map<Environment, "visiting" | "done">();
  const cycles = new Map<string, Environment[]>();
  const visit = (name: Environment, trail: Environment[]): void => {
    if (state.get(name) === "done") return;
    if (state.get(name) === "visiting") {
      const cycle = trail.slice(trail.indexOf(name));
      const start = cycle.indexOf([...cycle].sort()[0]);
      const rotated = [...cycle.slice(start), ...cycle.slice(0, start)];
      cycles.set(rotated.join(" "), rotated);
      return;
    }
    state.set(name, "visiting");
    for (const from of [...(byName.get(name)?.promotesFrom ?? [])].sort()) visit(from, [...trail, name]);
    state.set(name, "done");
  };
  for (const env of [...environments].sort((a, b) => a.name.localeCompare(b.name))) visit(env.name, []);
  return [...cycles.values()];
}

/**
 * The environments `selected` in deploy waves: wave n holds those whose longest chain of
 * `promotesFrom` has n links, so everything an environment promotes from is in an earlier wave
 * (when selected at all). Names within a wave are sorted. Expects a checked order.
 */
export function promotionWaves(
  environments: readonly Node[],
  selected: (name: Environment) => boolean = () => true,
): Environment[][] {
  const byName = new Map(environments.map((e) => [e.name, e]));
  const depth = new Map<Environment, number>();
  const depthOf = (name: Environment): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    const parents = byName.get(name)?.promotesFrom ?? [];
    const value = parents.length === 0 ? 0 : 1 + Math.max(...parents.map(depthOf));
    depth.set(name, value);
    return value;
  };
  const waves: Environment[][] = [];
  for (const env of environments) {
    if (!selected(env.name)) continue;
    const level = depthOf(env.name);
    (waves[level] ??= []).push(env.name);
  }
  return waves.filter((wave) => wave !== undefined).map((wave) => wave.sort());
}
