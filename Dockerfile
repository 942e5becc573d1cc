# The gateway: `docker compose up` builds and runs this next to InfluxDB 2.7 (docker-compose.yml).
# Node 24 (LTS). Two stages: the sensor wall is bundled with the dev dependencies (esbuild); the
# image keeps only the production ones, so `npm start` (whose prestart bundles the wall) is not
# used in it: the command runs the gateway directly.
FROM node:24-slim AS wall
WORKDIR /app
COPY package.json package-lock.json ./
# Nothing native is needed to bundle the wall: no install scripts (no better-sqlite3 build).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build:web

FROM node:24-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# better-sqlite3 downloads its prebuilt binary for linux-x64/arm64 glibc (node:24-slim is glibc);
# without network access it would need python3, make and g++, which the slim image lacks.
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
COPY --from=wall /app/gateway/web/dist gateway/web/dist
ENV DATA_DIR=/data \
    MQTT_PORT=1883 \
    HTTP_PORT=8080 \
    BIND_HOST=0.0.0.0
VOLUME ["/data"]
EXPOSE 1883 8080 8883 8443
# node is PID 1 and gets SIGTERM itself: the gateway flushes or spools its readings before it exits
# (README "Shutdown and crashes"; stop_grace_period in docker-compose.yml leaves it the time).
CMD ["node", "--import", "tsx", "gateway/main.ts"]
