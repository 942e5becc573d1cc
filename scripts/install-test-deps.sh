#!/usr/bin/env bash
# Installs the Debian packages the test suite runs as real outside peers:
# mosquitto (a second broker for record/replay and baselines) and mosquitto-clients
# (mosquitto_pub / mosquitto_sub as outside MQTT clients), and influxdb (InfluxDB 1.6's influxd,
# which the storage tests start on a free loopback port when neither INFLUX_URL nor a container
# runtime is available; see tests/support/influx-server.ts), victoria-metrics (VictoriaMetrics,
# the real server of the InfluxDB v2 write path tests, started the same way when neither
# VICTORIA_URL nor a container runtime is available; see tests/support/victoria-server.ts),
# chromium (the browser the sensor-wall tests in tests/e2e/ drive through playwright-core), openssl (the CLI that makes the throw-away
# certificate authority of the TLS tests, tests/support/test-ca.ts), fonts-noto-cjk (Chinese
# glyphs: without it the zh-CN wall and its screenshots show empty boxes) and python3-aiosmtpd (the
# SMTP server, storing to a Maildir, that the report e-mail tests start on a free loopback port when
# neither SMTP_TEST_URL nor a container runtime is available; see tests/support/smtp-server.ts),
# nats-server (NATS 2.9 with JetStream: the three-server cluster the cluster-mode tests start on
# free loopback ports when neither NATS_URL nor a container runtime is available; see
# tests/support/nats-cluster.ts) and postgresql (Debian's PostgreSQL, 15 on Debian 12: its initdb
# and pg_ctl make the throw-away server of those tests when neither DATABASE_URL nor a container
# runtime is available; see tests/support/postgres-server.ts; advisory locks and SKIP LOCKED are
# in the core server, so postgresql-contrib is not needed).
set -euo pipefail
packages=(mosquitto mosquitto-clients influxdb victoria-metrics chromium openssl fonts-noto-cjk python3-aiosmtpd
  nats-server postgresql)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
