# The gateway: `docker compose up` builds and runs this next to InfluxDB 2.7 (docker-compose.yml).
FROM node:20-slim
WORKDIR /app
# better-sqlite3 ships prebuilt binaries for linux-x64/arm64 glibc; node:20-slim is glibc.
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund
COPY . .
ENV DATA_DIR=/data \
    MQTT_PORT=1883 \
    HTTP_PORT=8080 \
    BIND_HOST=0.0.0.0
VOLUME ["/data"]
EXPOSE 1883 8080 8883 8443
# npm start = tsx gateway/main.ts; SIGTERM reaches node (npm forwards it) and the gateway flushes or
# spools its readings before it exits.
CMD ["npm", "start"]
