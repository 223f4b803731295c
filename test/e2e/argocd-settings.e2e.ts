import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { ENVIRONMENTS } from "../../stack";
import { argocdCmData, argocdRbacCmData } from "./support/argocd-settings";
import { configWith, releaseValuesOf, setOwners } from "./support/config-variants";
import { synthObjects } from "./support/emitted";
import { controlPlane } from "./support/hooks";
import { binary } from "./support/process";

/**
 * GIVEN argocd-cm and argocd-rbac-cm as the pinned argo-cd chart writes them from each
 * environment's values
 * WHEN the real `argocd admin settings` validators read them
 * THEN every settings group passes, and the RBAC policy grants what docs/operations.md says.
 */

/** Runs the argocd CLI; `settings validate` reads only its files, the rbac commands also want a cluster client. */
function argocd(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  const withCluster = args.includes("rbac") ? [...args, "--kubeconfig", controlPlane().plane.kubeconfig] : args;
  return new Promise((resolve) => {
    execFile(binary("argocd"), withCluster, (error, stdout, stderr) => {
      resolve({ stdout, stderr, code: error ? Number(error.code ?? 1) : 0 });
    });
  });
}

/** `argocd admin settings validate` exits 0 even when a group fails; its ❌ lines say which. */
function failedGroups(output: string): string[] {
  return output
    .split("\n")
    .filter((line) => line.startsWith("❌"))
    .map((line) => line.slice(1).trim());
}

describe("Argo CD's own validators accept the settings the platform values produce", function () {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gitops-e2e-settings-"));
  /** Writes `name` (argocd-cm, ...) as the file `<name><suffix>.yaml`; Argo CD looks objects up by name. */
  const file = (name: string, suffix: string, data: Record<string, string>, kind = "ConfigMap") => {
    const target = path.join(dir, `${name}${suffix}.yaml`);
    fs.writeFileSync(target, stringify({ apiVersion: "v1", kind, metadata: { name }, data }));
    return target;
  };
  const secret = file("argocd-secret", "", { "server.secretkey": Buffer.from("e2e").toString("base64") }, "Secret");

  after(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("fails a broken argocd-cm, so a pass below means something", async function () {
    const broken = file("argocd-cm", "-broken", {
      url: "https://argocd.example.com",
      "oidc.config": "name: [unclosed",
    });
    const { stdout } = await argocd(
      "admin",
      "settings",
      "validate",
      "--argocd-cm-path",
      broken,
      "--argocd-secret-path",
      secret,
    );
    assert.deepEqual(failedGroups(stdout), ["general"]);
  });

  for (const env of ENVIRONMENTS) {
    describe(env, function () {
      let values: Record<string, unknown>;

      before(async function () {
        // Release values are the same whoever owns the release (test/platform-handoff.test.ts); the
        // Application that Argo CD would own carries them where they can be read.
        values = releaseValuesOf(await synthObjects(env, configWith(env, setOwners("argocd"))), "argo-cd");
      });

      it("passes `argocd admin settings validate` on argocd-cm", async function () {
        const cm = file("argocd-cm", `-${env}`, argocdCmData(values));
        const { stdout, code } = await argocd(
          "admin",
          "settings",
          "validate",
          "--argocd-cm-path",
          cm,
          "--argocd-secret-path",
          secret,
        );
        assert.equal(code, 0, stdout);
        assert.deepEqual(failedGroups(stdout), [], stdout);
        assert.match(stdout, /✅ general/);
      });

      it("grants read-only by default and nothing more to an unknown user, admin to the admin groups", async function () {
        const rbacData = argocdRbacCmData(values);
        const rbac = file("argocd-rbac-cm", `-${env}`, rbacData);
        const can = async (subject: string, action: string) =>
          (
            await argocd(
              "admin",
              "settings",
              "rbac",
              "can",
              subject,
              action,
              "applications",
              "*/*",
              "--policy-file",
              rbac,
            )
          ).stdout
            .trim()
            .split("\n")
            .pop();
        assert.equal(await can("someone@example.com", "get"), "Yes");
        assert.equal(await can("someone@example.com", "sync"), "No");
        const adminGroups = [...rbacData["policy.csv"].matchAll(/^g, ([^,]+), role:admin$/gm)].map((m) => m[1]);
        for (const group of adminGroups) assert.equal(await can(group, "sync"), "Yes", group);
        if (rbacData["policy.csv"]) {
          const { stdout, code } = await argocd("admin", "settings", "rbac", "validate", "--policy-file", rbac);
          assert.equal(code, 0, stdout);
          assert.match(stdout, /Policy is valid/);
        }
      });
    });
  }
});
