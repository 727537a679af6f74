# The operator's image for those with Docker: the same as `make image` builds without it
# (internal/image): the static binary at /manager, run as 65532 (nonroot), nothing else
# that runs (distroless static: no shell, no package manager). internal/image's tests check
# that its final stage has the same entrypoint, user and labels.
#   docker build --build-arg VERSION=v0.2.0 -t ghcr.io/multigres/multigres-operator:v0.2.0 .
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
ARG TARGETARCH=amd64
RUN CGO_ENABLED=0 GOOS=linux GOARCH=${TARGETARCH} \
    go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /manager .

FROM gcr.io/distroless/static:nonroot
ARG VERSION=dev
LABEL org.opencontainers.image.title="multigres-operator" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.source="https://github.com/multigres/multigres-operator" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.description="The Kubernetes operator for Multigres"
COPY --from=build /manager /manager
USER 65532:65532
ENTRYPOINT ["/manager"]
