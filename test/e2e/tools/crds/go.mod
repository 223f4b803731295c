// Data only: CRDs of projects whose kinds the platform emits, read from their module zips.
// Nothing here is built, so `go mod tidy` would drop the requirement: edit with go get / go mod edit.
module gitops-platform/e2e-tools/crds

go 1.24.0

require (
	github.com/fluent/fluent-operator/v3 v3.9.0
	github.com/prometheus-operator/prometheus-operator v0.93.1
)
