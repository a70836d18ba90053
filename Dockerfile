# syntax=docker.io/docker/dockerfile:1
# newsbot: one static binary (pure-Go SQLite, embedded tzdata) on scratch.
#
#   make image        # = docker build --build-arg VERSION=… -t newsbot:local .
#
# Base images are named in full (registry/namespace/name:tag): podman and
# buildah refuse short names unless a registries configuration says where to
# look. VERSION, REVISION and CREATED are build arguments that end up in the
# binary (`newsbot --version`) and in the OCI labels.
FROM docker.io/library/golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/newsbot ./cmd/newsbot \
 && mkdir -p /out/state \
 && /out/newsbot --config deploy/docker/newsbot.yaml validate

FROM scratch
ARG VERSION=dev
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="newsbot" \
      org.opencontainers.image.description="Polls news feeds, matches items against keyword profiles and posts a daily digest per profile to Slack." \
      org.opencontainers.image.source="https://github.com/newsbot/newsbot" \
      org.opencontainers.image.url="https://github.com/newsbot/newsbot" \
      org.opencontainers.image.documentation="https://github.com/newsbot/newsbot#operations" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}"
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/newsbot /usr/local/bin/newsbot
COPY deploy/docker/newsbot.yaml /etc/newsbot/newsbot.yaml
COPY --from=build --chown=65532:65532 /out/state /var/lib/newsbot
USER 65532:65532
ENV NEWSBOT_CONFIG=/etc/newsbot/newsbot.yaml
VOLUME ["/var/lib/newsbot"]
# /metrics, /healthz, /readyz (http.listen in deploy/docker/newsbot.yaml).
EXPOSE 8417
# scratch has no shell or curl: the binary probes itself. Meaningful for
# `run` only; Kubernetes ignores it (the manifests use httpGet probes).
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
  CMD ["/usr/local/bin/newsbot", "health"]
ENTRYPOINT ["/usr/local/bin/newsbot"]
CMD ["run"]
