# One image for auth-api, the sweeper and the TACACS+ dev server; the compose files pick the command.
#
# Nothing below names a workspace but the console's bundle step: every stage takes apps/* and
# packages/* whole, so a new package needs no edit here. The runtime stage holds production
# dependencies and each workspace's package.json, dist/ (auth-api's dist/console/ too) and other
# non-source files (session-store's lua/), owned by root and read-only to the `node` user; it runs
# with a read-only root filesystem and needs no shell.

# Each workspace's package.json and nothing else, so that the install below is cached until a
# manifest or the lockfile changes, not on every source change.
FROM node:20-bookworm-slim AS manifests
WORKDIR /app
COPY apps apps
COPY packages packages
RUN find apps packages -mindepth 2 -maxdepth 2 ! -name package.json -exec rm -rf {} +

# Every dependency, installed from the lockfile (tools/ holds the package an npm override substitutes
# for msgpackr-extract). Cached until a manifest or the lockfile changes.
FROM node:20-bookworm-slim AS install
WORKDIR /app
COPY package.json package-lock.json ./
COPY tools tools
COPY --from=manifests /app ./
RUN npm ci --no-audit --no-fund --no-update-notifier

# The same tree without devDependencies: what the runtime runs with, workspace links included
# (node_modules/@sessiond/* -> ../../packages/*).
FROM install AS deps
RUN npm prune --omit=dev --no-audit --no-fund --no-update-notifier

# tsc -b over each workspace's tsconfig.build.json, then auth-api's operator console (esbuild bundles
# console/ into dist/console/, Chart.js included), then away with what does not run: sources (src/,
# the console's sources in console/, build scripts/), tests, tsconfigs, declarations, source maps
# (they point at the sources).
FROM install AS build
COPY tsconfig.base.json ./
COPY packages packages
COPY apps apps
RUN npx tsc -b apps/*/tsconfig.build.json packages/*/tsconfig.build.json \
  && node apps/auth-api/scripts/build-console.mjs \
  && find apps packages -mindepth 2 -maxdepth 2 \
    \( -name src -o -name test -o -name console -o -name scripts -o -name node_modules \
      -o -name 'tsconfig*.json' \) -exec rm -rf {} + \
  && find apps packages \( -name '*.tsbuildinfo' -o -name '*.d.ts' -o -name '*.map' \) -delete

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
# The TACACS+ dev server's accounting file, when a volume is mounted here (the demo stack).
RUN mkdir /data && chown node:node /data
# Production node_modules and every workspace's package.json (and nested node_modules, if npm makes
# any), then what the build made of each workspace: dist/ (with auth-api's dist/console/), lua/, README.
COPY --from=deps /app ./
COPY --from=build /app/packages packages
COPY --from=build /app/apps apps
USER node
EXPOSE 8080
CMD ["node", "apps/auth-api/dist/main.js"]
