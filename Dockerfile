# syntax=docker/dockerfile:1
# newsbot: one static binary (pure-Go SQLite, embedded tzdata) on scratch.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/newsbot ./cmd/newsbot \
 && mkdir -p /out/state /out/etc \
 && printf 'store: /var/lib/newsbot/newsbot.db\nhttp:\n  listen: ":9090"\n' > /out/etc/newsbot.yaml

FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/newsbot /usr/local/bin/newsbot
COPY --from=build /out/etc/newsbot.yaml /etc/newsbot/newsbot.yaml
COPY --from=build --chown=65532:65532 /out/state /var/lib/newsbot
USER 65532:65532
ENV NEWSBOT_CONFIG=/etc/newsbot/newsbot.yaml
VOLUME ["/var/lib/newsbot"]
EXPOSE 9090
ENTRYPOINT ["/usr/local/bin/newsbot"]
CMD ["run"]
