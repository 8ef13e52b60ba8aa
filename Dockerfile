# Multi-stage build of the API and the dashboard it serves, on Node 24 (the current LTS; the
# project also supports Node 20.19+, see package.json "engines"). Both stages are Debian 12
# (bookworm): the runtime stage reuses the build stage's node_modules, whose better-sqlite3 is
# compiled there for this Node and this glibc.
ARG NODE_IMAGE=node:24-bookworm

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY apps/api/package.json apps/api/
COPY apps/dashboard/package.json apps/dashboard/
COPY libs/ libs/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM ${NODE_IMAGE}-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules/
COPY --from=build /app/config config/
COPY --from=build /app/libs libs/
COPY --from=build /app/apps/api/package.json apps/api/
COPY --from=build /app/apps/api/dist apps/api/dist/
COPY --from=build /app/apps/dashboard/dist apps/dashboard/dist/
# Not root: the API needs no privilege of its own. It reads the code as root-owned files and writes
# only data/ (the SQLite file and managed Redis of the embedded default). The Docker socket it drives
# chaos through is reached by group (compose: group_add DOCKER_GID) or through a socket proxy
# (docs/chaos.md).
RUN mkdir -p data && chown node:node data
USER node
EXPOSE 8000
CMD ["node", "apps/api/dist/main.js"]
