# syntax=docker/dockerfile:1
# A small non-root image for running certctl in a cluster (see examples/kubernetes/ and
# docs/kubernetes.md):
#
#   docker build -t registry.example.com/certctl:0.1.0 .
#   docker run --rm registry.example.com/certctl:0.1.0 --help
#
# Two stages: the first compiles TypeScript and bundles it (scripts/bundle.mjs) with the dev
# dependencies, the second carries only the bundle and the production dependencies (the cloud
# SDKs, which stay outside the bundle and load only when a provider needs them).

# The current Node.js LTS (certctl supports 20 and later; CI runs the tests on 20 and on this one).
ARG NODE_IMAGE=node:26-trixie-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would compile before the sources are copied; it runs below instead.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts ./scripts
RUN npx tsc -p tsconfig.build.json \
 && node scripts/bundle.mjs \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${NODE_IMAGE}
# PID 1 must reap orphans: deploy and DNS hooks may leave children behind, and in
# `renew --schedule` mode the process lives for months. Node does not reap as PID 1, and a
# CronJob cannot ask for `docker run --init`, so the image carries tini (Debian's package).
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/bundle ./dist/bundle
COPY bin ./bin
# Numeric, so that Kubernetes can verify runAsNonRoot (it cannot resolve a user name). 1000 is the
# image's `node` user; nothing in the image is writable by it, and certctl needs no writable
# directory when it stores in Kubernetes (readOnlyRootFilesystem works).
USER 1000:1000
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/bin/certctl.js"]
CMD ["--help"]
