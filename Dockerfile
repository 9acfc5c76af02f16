# syntax=docker/dockerfile:1
#
# scim-bridge: a static binary on distroless, running as non-root.
#   docker build --build-arg VERSION=$(git describe --tags --always) --build-arg REVISION=$(git rev-parse HEAD) -t scim-bridge .
# The same build is checked in CI by deploy/docker_test.go (no container engine
# there: it runs this file's `go build` line and inspects the binary).

ARG GO_VERSION=1.26

FROM golang:${GO_VERSION} AS build
WORKDIR /src
# Modules first: this layer is reused until go.mod or go.sum change.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
ARG REVISION=unknown
ARG TARGETOS=linux
ARG TARGETARCH
# Static (no libc), reproducible paths, version stamped for `scim-bridge version`
# and the scim_bridge_build_info metric.
RUN CGO_ENABLED=0 GOOS=${TARGETOS} GOARCH=${TARGETARCH} go build -trimpath -buildvcs=false -ldflags="-s -w -X github.com/scim-bridge/scim-bridge/internal/buildinfo.Version=${VERSION} -X github.com/scim-bridge/scim-bridge/internal/buildinfo.revision=${REVISION}" -o /out/scim-bridge ./cmd/scim-bridge

# distroless/static: CA certificates and tzdata, no shell, no package manager.
# The :nonroot tag runs as uid/gid 65532.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/scim-bridge /scim-bridge
USER 65532:65532
# Okta-facing SCIM (--listen) and admin /metrics /healthz /readyz (--admin-listen).
EXPOSE 8080 9090
# No shell or curl in the image: the binary probes its own admin listener.
# Kubernetes ignores this and uses the HTTP probes in deploy/kubernetes.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 CMD ["/scim-bridge", "healthcheck"]
ENTRYPOINT ["/scim-bridge"]
CMD ["serve"]
