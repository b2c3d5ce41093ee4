# syntax=docker/dockerfile:1
# The nestjs-smpp reference service (and, with another command, the SMSC simulator).
#   docker build -t nestjs-smpp .
#   docker run -e DATABASE_URL=... -e SMPP_SYSTEM_ID=... -e SMPP_PASSWORD=... -p 3000:3000 nestjs-smpp

FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json data-source.ts ./
COPY src ./src
COPY migrations ./migrations
# No prune: the service's own runtime packages (Nest, express, prom-client) are dev
# dependencies of the library package, which lists Nest as peers for the apps that import it.
RUN npm run build

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Set DATABASE_URL: without it the service would start an embedded Postgres inside the container.
USER node
EXPOSE 3000
# Liveness: the process answers (never depends on the SMSC).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM: stop taking requests, drain, unbind, close the database (Nest shutdown hooks).
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/main.js"]
