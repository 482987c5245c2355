# syntax=docker/dockerfile:1
# Build: compile TypeScript, then keep production dependencies only.
FROM node:24-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 13 ships prebuilt Node-API binaries in its npm package (linux x64 and arm64, glibc
# and musl); the toolchain is there for a platform it has none for.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src src
COPY migrations migrations
COPY scripts scripts
COPY templates templates
RUN npm run build && npm prune --omit=dev

# Run: the compiled output as the unprivileged `node` user, the SQLite database on a volume.
FROM node:24-bookworm-slim
# The programme's identity is set at deployment, not baked in: mount your identity file and set
# PROGRAMME_FILE=/config/programme.json and PUBLIC_URL=https://… (the service refuses to start
# in production with the shipped example values or without PUBLIC_URL).
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATABASE_URL=sqlite:/data/ordipratique.sqlite
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY --from=build /app/templates templates
# The web app's templates and browser files are read at start, not compiled.
COPY --from=build /app/src/web/views src/web/views
COPY --from=build /app/src/web/assets src/web/assets
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node handles SIGTERM itself: in-flight requests finish, then the database closes.
# --max-semi-space-size=8: V8 grows the young generation to 64 MB under load and keeps it, which
# was a third of the idle process (216 MB); capped at 2 × 8 MB (README "Memory"). The benchmarks
# start the server with the flags of this line.
CMD ["node", "--max-semi-space-size=8", "dist/src/server.js"]
