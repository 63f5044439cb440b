# syntax=docker/dockerfile:1
# One image for auth-api, sweeper and the TACACS+ dev server; docker-compose.yml picks the command.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# Manifests first, so dependency layers are cached across source changes.
COPY package.json package-lock.json ./
COPY tools ./tools
COPY packages/test-utils/package.json packages/test-utils/
COPY packages/session-store/package.json packages/session-store/
COPY packages/passwords/package.json packages/passwords/
COPY packages/tacacs-plus/package.json packages/tacacs-plus/
COPY packages/client/package.json packages/client/
COPY apps/auth-api/package.json apps/auth-api/
COPY apps/sweeper/package.json apps/sweeper/
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.base.json ./
COPY packages ./packages
COPY apps ./apps
COPY bench ./bench
RUN npx tsc -b && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/tools ./tools
COPY --from=build /app/packages/session-store/package.json /app/packages/session-store/
COPY --from=build /app/packages/session-store/dist /app/packages/session-store/dist
COPY --from=build /app/packages/session-store/lua /app/packages/session-store/lua
COPY --from=build /app/packages/passwords/package.json /app/packages/passwords/
COPY --from=build /app/packages/passwords/dist /app/packages/passwords/dist
COPY --from=build /app/packages/tacacs-plus/package.json /app/packages/tacacs-plus/
COPY --from=build /app/packages/tacacs-plus/dist /app/packages/tacacs-plus/dist
COPY --from=build /app/packages/client/package.json /app/packages/client/
COPY --from=build /app/packages/client/dist /app/packages/client/dist
COPY --from=build /app/apps/auth-api/package.json /app/apps/auth-api/
COPY --from=build /app/apps/auth-api/dist /app/apps/auth-api/dist
COPY --from=build /app/apps/sweeper/package.json /app/apps/sweeper/
COPY --from=build /app/apps/sweeper/dist /app/apps/sweeper/dist
COPY config/demo /app/config/demo
# The node image's unprivileged user; nothing in the image is writable by it except /data.
RUN mkdir /data && chown node:node /data
USER node
EXPOSE 8080 9465 4949
CMD ["node", "apps/auth-api/dist/main.js"]
