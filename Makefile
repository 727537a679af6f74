# multigres-operator. Run `make help` for the targets.
SHELL := /usr/bin/env bash -o pipefail
.SHELLFLAGS := -ec

CONTROLLER_GEN := go tool controller-gen
# golangci-lint with kube-api-linter built in, at the versions hack/tools/go.mod pins (a module of
# its own, so that the linters' dependencies never move the operator's): go builds it from the
# module proxy on first use and keeps it in its build cache. .golangci.yml configures it.
# --allow-serial-runners: a run waits for another one (another work tree's) instead of failing.
GOLANGCI_LINT := go tool -modfile=hack/tools/go.mod golangci-lint-kube-api-linter
# The control-plane binaries envtest and `make run` use, built from Go modules and cached in bin/.
CONTROLPLANE_BINS ?= kube-apiserver etcd kubectl
# What the whole local cluster of `make run` and `make test-e2e` needs besides.
LOCALCLUSTER_BINS := $(CONTROLPLANE_BINS) kube-controller-manager kube-scheduler kwok

.PHONY: help
help: ## List the targets.
	@awk 'BEGIN{FS=":.*##"} /^[a-zA-Z_-]+:.*##/{printf "  %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: generate
generate: ## Generate deepcopy code for the API types.
	$(CONTROLLER_GEN) object:headerFile=hack/boilerplate.go.txt paths=./api/...

.PHONY: manifests
manifests: ## Generate CRDs, RBAC and webhook manifests under config/.
	$(CONTROLLER_GEN) crd rbac:roleName=manager-role webhook paths="./api/...;./internal/..." \
		output:crd:artifacts:config=config/crd/bases output:rbac:artifacts:config=config/rbac \
		output:webhook:artifacts:config=config/webhook

.PHONY: fmt
fmt: ## Format the code.
	gofmt -w $$(git ls-files -co --exclude-standard '*.go')

.PHONY: vet
vet: ## go vet.
	go vet ./...

.PHONY: lint
lint: vet ## go vet, gofmt reporting any file it would change, and golangci-lint (.golangci.yml, kube-api-linter on the API).
	@out=$$(gofmt -l $$(git ls-files -co --exclude-standard '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GOLANGCI_LINT) run --allow-serial-runners ./...

.PHONY: verify
verify: generate manifests ## Fail when generated files are not up to date.
	@if [ -n "$$(git status --porcelain -- api config)" ]; then \
		echo "generated files are out of date; run 'make generate manifests' and commit:"; \
		git status --porcelain -- api config; git diff --stat -- api config; exit 1; fi

.PHONY: controlplane
controlplane: ## Build (once) kube-apiserver, etcd and kubectl into bin/.
	@hack/build-controlplane.sh $(CONTROLPLANE_BINS) >/dev/null

.PHONY: test
test: verify lint ## Verify generated files, lint, and run every test against real API servers (plus the benchmark's smoke run and the alert rules' check, test/alerts).
	KUBEBUILDER_ASSETS=$$(hack/build-controlplane.sh $(LOCALCLUSTER_BINS)) BENCH_SMOKE=1 go test ./... -count=1 -timeout 30m
	cd test/alerts && go test ./... -count=1

.PHONY: test-e2e
test-e2e: ## Run the end-to-end tests: the operator binary on a whole local cluster (kwok nodes).
	E2E=1 KUBEBUILDER_ASSETS=$$(hack/build-controlplane.sh $(LOCALCLUSTER_BINS)) go test ./test/e2e/ -count=1 -timeout 40m -v

# The API server suites (CRD schemas and CEL, webhooks, conversion, the controllers against a real
# API server) again on the oldest Kubernetes the operator supports, whose kube-apiserver and
# kubectl hack/controlplane-oldest pins (built once into bin/, like the others).
OLDEST_SUITES := ./test/api/ ./test/webhooks/ ./test/controllers/... ./test/deploy/ ./test/upgrade/ ./test/selfcert/ ./test/limits/
.PHONY: test-oldest
test-oldest: ## Run the API server suites against the oldest supported Kubernetes (1.30).
	KUBEBUILDER_ASSETS=$$(K8S_MODULE=hack/controlplane-oldest hack/build-controlplane.sh $(CONTROLPLANE_BINS)) go test $(OLDEST_SUITES) -count=1 -timeout 30m

# MULTIGRES_BIN_DIR (and POSTGRES_BIN_DIR, PGBACKREST_BIN_DIR, PGCTLD_BIN_DIR) name the binaries that
# stand for the images; without MULTIGRES_BIN_DIR only the etcd part runs (docs/testing-multigres.md).
.PHONY: test-multigres
test-multigres: ## Run the operator's pods as processes against real etcd, Multigres and PostgreSQL (needs root).
	KUBEBUILDER_ASSETS=$$(hack/build-controlplane.sh $(LOCALCLUSTER_BINS)) go test ./test/multigres/ -count=1 -timeout 30m -v

# BENCH_ARGS narrows it, e.g. BENCH_ARGS='-clusters 1,10 -shards 8 -stalled 0 -idle 20s'.
.PHONY: bench
bench: ## Measure convergence, API load and memory for growing workloads (docs/performance.md).
	KUBEBUILDER_ASSETS=$$(hack/build-controlplane.sh $(LOCALCLUSTER_BINS)) go run ./test/bench $(BENCH_ARGS)

.PHONY: build
build: ## Build the operator binary into bin/manager.
	go build -o bin/manager .

# Built, then exec'd in place of the shell, so that the signals make forwards (SIGTERM, from
# timeout or kill) reach it: `go run` would die and leave the whole cluster running.
# RUN_DIR (default bin/run) is where the cluster keeps its files.
.PHONY: run
run: ## Run the operator on a whole local cluster (kwok nodes) with the samples applied (OPERATOR_ARGS=--multigres-limits=none runs all of them).
	go build -o bin/make-run ./hack/run
	assets=$$(hack/build-controlplane.sh $(LOCALCLUSTER_BINS)); \
		KUBEBUILDER_ASSETS=$$assets exec bin/make-run $(OPERATOR_ARGS)

.PHONY: install
install: manifests ## Install the CRDs into the cluster of the current kubeconfig.
	kubectl apply --server-side -k config/crd

# Deleting a CRD deletes every object of its kind: every MultigresCluster, and with them their
# workloads. Hence the name, and the confirmation it asks for.
.PHONY: uninstall-crds-and-delete-every-cluster
uninstall-crds-and-delete-every-cluster: ## DELETES EVERY MultigresCluster (and template, shard, ...) in the current cluster, with the CRDs.
	@echo "This deletes the multigres.com CRDs and with them every MultigresCluster, DeploymentTemplate,"
	@echo "TopoServer, Cell, TableGroup and Shard in the cluster of the current kubeconfig ($$(kubectl config current-context))."
	@echo "To remove only the operator and keep the clusters, run 'make undeploy' instead (CONFIRM=yes skips this question)."
	@if [ "$(CONFIRM)" != yes ]; then read -r -p "Type 'yes' to delete them all: " answer; [ "$$answer" = yes ] || { echo "Nothing deleted."; exit 1; }; fi
	kubectl delete -k config/crd --ignore-not-found

.PHONY: uninstall
uninstall: ## Renamed, as it deletes every cluster: see uninstall-crds-and-delete-every-cluster.
	@echo "'make uninstall' deleted the CRDs and so every MultigresCluster; it is now 'make uninstall-crds-and-delete-every-cluster'."
	@echo "To remove only the operator and keep the clusters, run 'make undeploy'."; exit 1

# The image config/manager names; deploy and release put theirs in its place.
CONFIG_IMAGE := ghcr.io/multigres/multigres-operator:latest
pin_image = sed 's|$(CONFIG_IMAGE)|$(1)|'
IMAGE_REPO ?= ghcr.io/multigres/multigres-operator
IMG ?= $(IMAGE_REPO):latest
# DEPLOY_CONFIG=config/certmanager serves the webhooks with a cert-manager certificate instead.
DEPLOY_CONFIG ?= config/default
# What undeploy deletes: DEPLOY_CONFIG without the CRDs and the namespace, which hold the clusters.
UNDEPLOY_CONFIG ?= $(if $(filter config/certmanager config/certmanager/,$(DEPLOY_CONFIG)),config/certmanager/operator,config/operator)
.PHONY: deploy
deploy: manifests ## Deploy the operator (image IMG) into the cluster of the current kubeconfig.
	kubectl kustomize $(DEPLOY_CONFIG) | $(call pin_image,$(IMG)) | kubectl apply --server-side -f -

# Refuses a configuration with CRDs in it: deleting them would delete every cluster. (grep reads
# all its input: with -q, kubectl could die of SIGPIPE and pipefail would hide the match.)
.PHONY: undeploy
undeploy: ## Remove the operator (Deployment, RBAC, webhooks) from the current cluster; the CRDs, the namespace and every cluster stay.
	@if kubectl kustomize $(UNDEPLOY_CONFIG) | grep '^kind: CustomResourceDefinition$$' >/dev/null; then \
		echo "$(UNDEPLOY_CONFIG) contains CRDs; deleting them would delete every cluster. Set UNDEPLOY_CONFIG to a configuration without them (config/operator)."; exit 1; fi
	kubectl delete -k $(UNDEPLOY_CONFIG) --ignore-not-found
	@echo "The operator is removed; the CRDs, namespace multigres-system and every cluster remain (no longer reconciled). 'make deploy' brings it back."

# A release: VERSION names the image's tag and label; ARCH its platform (linux); DIST where
# the files go. Nothing here needs Docker.
VERSION ?= dev
ARCH ?= amd64
DIST ?= dist

.PHONY: image
image: ## Build the operator's image ($(IMAGE_REPO):$(VERSION), linux/$(ARCH)) into $(DIST)/ as a tarball for docker load or crane push.
	mkdir -p $(DIST)
	CGO_ENABLED=0 GOOS=linux GOARCH=$(ARCH) go build -trimpath -ldflags "-s -w -X main.version=$(VERSION)" -o $(DIST)/manager-linux-$(ARCH) .
	go run ./hack/image -binary $(DIST)/manager-linux-$(ARCH) -version $(VERSION) -arch $(ARCH) -tag $(IMAGE_REPO):$(VERSION) \
		-out $(DIST)/multigres-operator-$(VERSION)-linux-$(ARCH).tar -created $$(git log -1 --format=%ct 2>/dev/null || echo 0)

# Renders the committed manifests (make verify keeps them generated), so it writes nothing else.
.PHONY: release
release: ## Write $(DIST)/install.yaml and $(DIST)/install-cert-manager.yaml: the operator pinned to $(IMAGE_REPO):$(VERSION) (VERSION required).
	@if [ "$(VERSION)" = dev ]; then echo "make release VERSION=vX.Y.Z: the bundle pins the operator's image to that tag"; exit 1; fi
	mkdir -p $(DIST)
	kubectl=$$(hack/build-controlplane.sh kubectl)/kubectl; \
		$$kubectl kustomize config/default | $(call pin_image,$(IMAGE_REPO):$(VERSION)) > $(DIST)/install.yaml; \
		$$kubectl kustomize config/certmanager | $(call pin_image,$(IMAGE_REPO):$(VERSION)) > $(DIST)/install-cert-manager.yaml
	@echo "$(DIST)/install.yaml and $(DIST)/install-cert-manager.yaml pin $(IMAGE_REPO):$(VERSION)"
