# The gateway: `docker compose up` builds and runs this next to InfluxDB 2.7 (docker-compose.yml).
# Node 24 (LTS), two stages. The first installs every dependency (compiling better-sqlite3 when its
# prebuilt binary cannot be downloaded), bundles the sensor wall and prunes the dev dependencies;
# the image copies the result, without a compiler, and runs the gateway directly: node is PID 1 and
# the wall is not bundled again at each start, as `npm start`'s prestart would do.
FROM node:24-slim AS build
WORKDIR /app
# better-sqlite3 is native: its install downloads a prebuilt binary and, where that download is not
# reachable (or none exists for this Node), compiles one, which needs python3, make and g++, and the
# Node headers: those of the image (/usr/local/include/node), not a download.
ENV npm_config_nodedir=/usr/local
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:web && npm prune --omit=dev --no-audit --no-fund

FROM node:24-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules node_modules
COPY . .
COPY --from=build /app/gateway/web/dist gateway/web/dist
ENV DATA_DIR=/data \
    MQTT_PORT=1883 \
    HTTP_PORT=8080 \
    BIND_HOST=0.0.0.0
VOLUME ["/data"]
EXPOSE 1883 8080 8883 8443
# node is PID 1 and gets SIGTERM itself: the gateway flushes or spools its readings before it exits
# (README "Shutdown and crashes"; stop_grace_period in docker-compose.yml leaves it the time).
CMD ["node", "--import", "tsx", "gateway/main.ts"]
