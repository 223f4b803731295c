import * as assert from "node:assert/strict";
import {
  derivedReplaces,
  formatReplace,
  GoModJson,
  KUBERNETES_STAGING,
  localModuleAt,
  replaceDifferences,
} from "./e2e/tools/replaces";

describe("e2e tools: replace blocks derived from the upstream go.mod", function () {
  const kubernetes: GoModJson = {
    Module: { Path: "k8s.io/kubernetes" },
    Replace: [
      { Old: { Path: "k8s.io/api" }, New: { Path: "./staging/src/k8s.io/api" } },
      { Old: { Path: "k8s.io/client-go" }, New: { Path: "./staging/src/k8s.io/client-go" } },
    ],
  };

  it("maps each staging module to v0.<minor>.<patch> of the release", function () {
    assert.deepEqual(derivedReplaces(kubernetes, "v1.33.13", KUBERNETES_STAGING).map(formatReplace), [
      "k8s.io/api=k8s.io/api@v0.33.13",
      "k8s.io/client-go=k8s.io/client-go@v0.33.13",
    ]);
  });

  it("copies version replaces verbatim and pins a local module at the tag's pseudo-version", function () {
    const argocd: GoModJson = {
      Module: { Path: "github.com/argoproj/argo-cd/v3" },
      Replace: [
        { Old: { Path: "gopkg.in/yaml.v2" }, New: { Path: "gopkg.in/yaml.v2", Version: "v2.4.0" } },
        { Old: { Path: "github.com/argoproj/argo-cd/gitops-engine" }, New: { Path: "./gitops-engine" } },
      ],
    };
    const rule = localModuleAt({ "github.com/argoproj/argo-cd/gitops-engine": "v0.0.0-20260827090335-e258ee23c3e5" });
    assert.deepEqual(derivedReplaces(argocd, "v3.5.2", rule).map(formatReplace), [
      "gopkg.in/yaml.v2=gopkg.in/yaml.v2@v2.4.0",
      "github.com/argoproj/argo-cd/gitops-engine=github.com/argoproj/argo-cd/gitops-engine@v0.0.0-20260827090335-e258ee23c3e5",
    ]);
  });

  it("fails on a local replace it has no version for, naming where to add one", function () {
    const upstream: GoModJson = {
      Module: { Path: "example.com/x" },
      Replace: [{ Old: { Path: "example.com/x/sub" }, New: { Path: "./sub" } }],
    };
    assert.throws(
      () => derivedReplaces(upstream, "v1.0.0", localModuleAt({})),
      /example.com\/x\/sub is replaced by the local path \.\/sub upstream; name the pseudo-version/,
    );
    assert.throws(() => derivedReplaces(upstream, "v1.34.0", KUBERNETES_STAGING), /unexpected local replace/);
  });

  it("reports directives missing from or extra in our go.mod", function () {
    const wanted = derivedReplaces(kubernetes, "v1.33.13", KUBERNETES_STAGING);
    const actual = [wanted[0], { Old: { Path: "k8s.io/kms" }, New: { Path: "k8s.io/kms", Version: "v0.33.1" } }];
    assert.deepEqual(replaceDifferences(wanted, actual), {
      missing: ["k8s.io/client-go=k8s.io/client-go@v0.33.13"],
      extra: ["k8s.io/kms=k8s.io/kms@v0.33.1"],
    });
    assert.deepEqual(replaceDifferences(wanted, wanted), { missing: [], extra: [] });
  });
});
