# coco-fn: make render prints the default install; make test runs every test.

GO      ?= go
BIN     := bin
IMAGE   ?= localhost/coco-fn:dev
BUILDFLAGS := -trimpath -buildvcs=false

.PHONY: render build image tools cluster test unit golden bench clean

## render: build coco-fn and print the default (x86_64) install
render: build $(BIN)/kustomize
	@$(BIN)/kustomize build --enable-alpha-plugins --enable-exec overlays/x86_64

## build: the static coco-fn binary, at bin/coco-fn
build:
	@CGO_ENABLED=0 $(GO) build $(BUILDFLAGS) -o $(BIN)/coco-fn .

$(BIN)/kustomize:
	@test/tools/install.sh kustomize

## image: a FROM scratch container image of coco-fn, built with podman
image: build
	podman build -q -t $(IMAGE) .

## tools: kustomize, podman and runc, where missing (kpt must be on PATH)
tools:
	@test/tools/install.sh

## cluster: etcd, the Kubernetes control plane and kwok for the end-to-end tests, in bin/
cluster:
	test/cluster/build.sh

## test: every test, installing what the end-to-end tests need first
test: tools cluster build
	$(GO) vet ./...
	$(GO) test -count=1 ./...

## unit: the tests that need no external tool
unit:
	$(GO) test -count=1 ./fn/... ./generators/... ./internal/...

## golden: rewrite every golden file from the current output; review the diff
golden:
	$(GO) test -count=1 ./... -update

clean:
	rm -rf $(BIN)

## bench: time coco-fn as a whole process and check the budgets (BENCHMARKS.md)
bench: build $(BIN)/kustomize
	test/bench/run.sh
