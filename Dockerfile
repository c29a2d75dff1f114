# syntax=docker/dockerfile:1
#
# One file, three images, chosen with `--target`:
#   ingress    apps/ingress  (Cloud Run service; listens on PORT, 8080)
#   worker     apps/worker   (worker pool / GKE Deployment; health and metrics on 9464) + the ops CLI
#   simulator  the Periskope simulator from packages/testkit, for docker-compose only
#
# Sources are TypeScript run by Node 24's type stripping, so there is no build stage: an image is
# its app's production dependencies (`npm ci --omit=dev` against the root lockfile, workspaces
# linked as symlinks into packages/*) plus the sources of the workspace packages it imports.
# Files under node_modules are never type-stripped, which is why packages stay in packages/.
#
# infra/test/dockerfile.test.ts checks this file: Node major = .nvmrc, every workspace package an
# app depends on is copied, non-root user, exec-form CMD; infra/test/image.int.test.ts assembles
# exactly what it copies and starts each app from it.
#
#   docker build --target ingress -t periskope-pipeline-ingress .
#   docker build --target worker  -t periskope-pipeline-worker .

FROM node:24-slim AS base
ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
WORKDIR /app

# ---------------------------------------------------------------------------------------- ingress
FROM base AS ingress-deps
COPY package.json package-lock.json ./
COPY apps/ingress/package.json apps/ingress/
COPY packages/config/package.json packages/config/
COPY packages/commands/package.json packages/commands/
COPY packages/contracts/package.json packages/contracts/
COPY packages/elasticsearch/package.json packages/elasticsearch/
COPY packages/observability/package.json packages/observability/
COPY packages/pubsub/package.json packages/pubsub/
# --ignore-scripts: no production dependency needs an install script, and none may run one.
RUN npm ci --omit=dev --ignore-scripts

FROM base AS ingress
LABEL org.opencontainers.image.title="periskope-pipeline-ingress" \
      org.opencontainers.image.description="Periskope webhook intake: verify, validate, publish to Pub/Sub"
COPY --from=ingress-deps /app ./
COPY packages/commands/src packages/commands/src
COPY packages/config/src packages/config/src
COPY packages/contracts/src packages/contracts/src
COPY packages/elasticsearch/src packages/elasticsearch/src
COPY packages/observability/src packages/observability/src
COPY packages/pubsub/src packages/pubsub/src
COPY apps/ingress/src apps/ingress/src
ENV PORT=8080
EXPOSE 8080
# Files stay root-owned and read-only to the app; it runs as the image's unprivileged `node` user.
USER node
# Exec form: node is PID 1 and receives SIGTERM itself; the app drains and exits on it. It starts
# no child processes, so there are no zombies to reap and no init is needed.
# A bounded heap: without it V8 grows the young generation by ~120 MB and lets garbage pile up in
# old space under load, for no throughput (apps/ingress/src/server/node-flags.ts has the figures).
CMD ["node", "--max-old-space-size=128", "--max-semi-space-size=16", "apps/ingress/src/main.ts"]

# ----------------------------------------------------------------------------------------- worker
FROM base AS worker-deps
COPY package.json package-lock.json ./
COPY apps/worker/package.json apps/worker/
COPY packages/commands/package.json packages/commands/
COPY packages/config/package.json packages/config/
COPY packages/contracts/package.json packages/contracts/
COPY packages/elasticsearch/package.json packages/elasticsearch/
COPY packages/observability/package.json packages/observability/
COPY packages/periskope/package.json packages/periskope/
COPY packages/pubsub/package.json packages/pubsub/
RUN npm ci --omit=dev --ignore-scripts

FROM base AS worker
LABEL org.opencontainers.image.title="periskope-pipeline-worker" \
      org.opencontainers.image.description="Periskope pipeline worker: pull, enrich, index; runs ops commands"
COPY --from=worker-deps /app ./
COPY packages/commands/src packages/commands/src
COPY packages/config/src packages/config/src
COPY packages/contracts/src packages/contracts/src
COPY packages/elasticsearch/src packages/elasticsearch/src
COPY packages/observability/src packages/observability/src
COPY packages/periskope/src packages/periskope/src
COPY packages/pubsub/src packages/pubsub/src
# The worker installs these index templates at startup (shipped with packages/elasticsearch).
COPY packages/elasticsearch/templates packages/elasticsearch/templates
# Includes src/ops/main.ts, the ops CLI:  docker run --rm <image> node apps/worker/src/ops/main.ts <command> --wait
COPY apps/worker/src apps/worker/src
ENV WORKER_METRICS_PORT=9464
EXPOSE 9464
USER node
# Bounded heap for a fast-allocating, flow-controlled process (apps/worker/src/node-flags.ts).
CMD ["node", "--max-old-space-size=192", "--max-semi-space-size=16", "apps/worker/src/main.ts"]

# -------------------------------------------------------------------------------------- simulator
FROM base AS simulator-deps
COPY package.json package-lock.json ./
COPY packages/testkit/package.json packages/testkit/
COPY packages/contracts/package.json packages/contracts/
COPY packages/local-stack/package.json packages/local-stack/
RUN npm ci --omit=dev --ignore-scripts

FROM base AS simulator
LABEL org.opencontainers.image.title="periskope-pipeline-simulator" \
      org.opencontainers.image.description="Periskope API simulator for local stacks and tests (never deploy)"
COPY --from=simulator-deps /app ./
COPY packages/contracts/src packages/contracts/src
COPY packages/local-stack/src packages/local-stack/src
COPY packages/testkit/src packages/testkit/src
# In a container the simulator must listen on every interface to be reachable from the other services.
ENV SIMULATOR_PORT=4010 \
    SIMULATOR_HOST=0.0.0.0
EXPOSE 4010
USER node
CMD ["node", "packages/testkit/src/simulator/main.ts"]
